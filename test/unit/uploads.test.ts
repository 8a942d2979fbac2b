import { describe, expect, it } from "vitest";
import { pickText, readUploadForm, uploadedFile } from "../../app/utils/uploads.server";
import { makeLargePng, makePng } from "../support/images";

function multipart(fields: Record<string, string | { bytes: Buffer; name: string; type: string }>): Request {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value === "string") form.append(name, value);
    else form.append(name, new Blob([new Uint8Array(value.bytes)], { type: value.type }), value.name);
  }
  return new Request("http://x.test/orgs/new", { method: "POST", body: form });
}

describe("reading upload forms", () => {
  it("returns the file and the text fields", async () => {
    const png = makePng(3, 3);
    const { form, errors } = await readUploadForm(multipart({ name: "Acme", logo: { bytes: png, name: "logo.png", type: "image/png" } }));
    expect(errors).toEqual({});
    expect(pickText(form, ["name", "missing"])).toEqual({ name: "Acme", missing: "" });
    const file = await uploadedFile(form, "logo");
    expect(file?.filename).toBe("logo.png");
    expect(file?.contentType).toBe("image/png");
    expect(Buffer.compare(Buffer.from(file!.bytes), png)).toBe(0);
  });

  it("turns a file over 1 MiB into a field error and still reads the fields after it", async () => {
    const request = multipart({
      handle: "acme",
      logo: { bytes: makeLargePng(1024 * 1024 + 1), name: "big.png", type: "image/png" },
      name: "Acme after the file",
    });
    const { form, errors } = await readUploadForm(request);
    expect(errors.logo[0]).toMatch(/larger than 1 MiB/);
    expect(form.get("logo")).toBeNull();
    expect(pickText(form, ["handle", "name"])).toEqual({ handle: "acme", name: "Acme after the file" });
  });

  it("treats an empty file input as no file", async () => {
    const { form, errors } = await readUploadForm(multipart({ name: "Acme", logo: { bytes: Buffer.alloc(0), name: "", type: "application/octet-stream" } }));
    expect(errors).toEqual({});
    expect(await uploadedFile(form, "logo")).toBeNull();
  });

  it("reads urlencoded forms too", async () => {
    const request = new Request("http://x.test/", { method: "POST", body: new URLSearchParams({ name: "Acme" }) });
    const { form } = await readUploadForm(request);
    expect(form.get("name")).toBe("Acme");
  });

  it("refuses a malformed multipart body with a validation error", async () => {
    const request = new Request("http://x.test/", {
      method: "POST",
      headers: { "Content-Type": "multipart/form-data; boundary=xyz" },
      body: "--xyz\r\nnot a header\r\n\r\nvalue\r\n--xyz--\r\n",
    });
    await expect(readUploadForm(request)).rejects.toMatchObject({ kind: "invalid", message: expect.stringMatching(/could not be read/) });
  });
});
