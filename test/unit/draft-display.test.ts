import { describe, expect, it } from "vitest";
import { displayField } from "../../app/services/draft-display";

describe("displayField", () => {
  it("says whether the image was generated or uploaded, as the image rows tell", () => {
    const sources = { a: "generated", b: "uploaded" } as const;
    expect(displayField("imageId", "a", {}, sources)).toBe("A generated image");
    expect(displayField("imageId", "b", {}, sources)).toBe("An uploaded image");
    // Without the row, nothing is claimed.
    expect(displayField("imageId", "c", {}, sources)).toBe("An image");
    expect(displayField("imageId", null, {}, sources)).toBe("No image");
  });

  it("shows prerequisites by name: a flat list as it is, conditions each with its rule", () => {
    const names = { "https://a.example/badges/1": "Social Innovation 101" };
    expect(displayField("prerequisites", ["https://a.example/badges/1", "https://b.example/badges/2"], names)).toBe(
      "Social Innovation 101 (https://a.example/badges/1)\nhttps://b.example/badges/2",
    );
    expect(
      displayField(
        "prerequisites",
        [
          { requiredNumber: 1, badges: ["https://a.example/badges/1", "https://b.example/badges/2"] },
          { requiredNumber: 1, badges: ["https://b.example/badges/3"] },
        ],
        names,
      ),
    ).toBe("Any 1 of these 2:\n  Social Innovation 101 (https://a.example/badges/1)\n  https://b.example/badges/2\nRequired:\n  https://b.example/badges/3");
  });
});
