import { describe, expect, it } from "vitest";
import { displayField } from "../../app/services/draft-display";

describe("displayField for the image", () => {
  it("says whether the image was generated or uploaded, as the image rows tell", () => {
    const sources = { a: "generated", b: "uploaded" } as const;
    expect(displayField("imageId", "a", {}, sources)).toBe("A generated image");
    expect(displayField("imageId", "b", {}, sources)).toBe("An uploaded image");
    // Without the row, nothing is claimed.
    expect(displayField("imageId", "c", {}, sources)).toBe("An image");
    expect(displayField("imageId", null, {}, sources)).toBe("No image");
  });
});
