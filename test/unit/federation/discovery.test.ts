import { describe, expect, it } from "vitest";
import { activityContentType, preferredRepresentation } from "../../../federation/negotiation";
import { parseWebfingerResource } from "../../../federation/webfinger";

describe("content negotiation", () => {
  it("answers ActivityStreams to what servers send, HTML to what browsers send", () => {
    // Mastodon's fetches.
    expect(preferredRepresentation('application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"')).toBe("activity+json");
    expect(preferredRepresentation("application/activity+json")).toBe("activity+json");
    expect(preferredRepresentation('application/ld+json; profile="https://www.w3.org/ns/activitystreams"')).toBe("ld+json");
    // What every ActivityPub server sends names activity+json; plain JSON-LD is left for
    // other readers (an Open Badges verifier dereferencing an Achievement id).
    expect(preferredRepresentation("application/activity+json, application/ld+json")).toBe("activity+json");
    expect(preferredRepresentation("application/ld+json")).toBe("html");
    // Firefox and Chromium.
    expect(preferredRepresentation("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")).toBe("html");
    expect(preferredRepresentation("*/*")).toBe("html");
    expect(preferredRepresentation(undefined)).toBe("html");
  });

  it("weighs q-values and ignores JSON-LD of another profile", () => {
    expect(preferredRepresentation("text/html;q=0.5, application/activity+json")).toBe("activity+json");
    expect(preferredRepresentation("text/html, application/activity+json;q=0.5")).toBe("html");
    expect(preferredRepresentation("application/activity+json;q=0")).toBe("html");
    expect(preferredRepresentation('application/ld+json; profile="https://www.w3.org/ns/credentials/v2"')).toBe("html");
    expect(preferredRepresentation('application/ld+json;profile="https://example.org/x https://www.w3.org/ns/activitystreams"')).toBe("ld+json");
  });

  it("answers in the form asked for", () => {
    expect(activityContentType("application/activity+json")).toBe("application/activity+json; charset=utf-8");
    expect(activityContentType('application/ld+json; profile="https://www.w3.org/ns/activitystreams"')).toBe(
      'application/ld+json; profile="https://www.w3.org/ns/activitystreams"',
    );
  });
});

describe("WebFinger resources", () => {
  const publicUrl = "https://badges.example";
  const parse = (r: unknown) => parseWebfingerResource(r, publicUrl);

  it("names an organisation by acct: or by its actor URL, case-insensitively", () => {
    expect(parse("acct:changemakers@badges.example")).toEqual({ ok: true, target: { kind: "organisation", handle: "changemakers" } });
    expect(parse("acct:ChangeMakers@Badges.Example")).toEqual({ ok: true, target: { kind: "organisation", handle: "changemakers" } });
    expect(parse("acct:@changemakers@badges.example")).toEqual({ ok: true, target: { kind: "organisation", handle: "changemakers" } });
    expect(parse("https://badges.example/orgs/changemakers")).toEqual({ ok: true, target: { kind: "organisation", handle: "changemakers" } });
  });

  it("names the instance actor by its host or its URL", () => {
    expect(parse("acct:badges.example@badges.example")).toEqual({ ok: true, target: { kind: "instance" } });
    expect(parse("https://badges.example/actor")).toEqual({ ok: true, target: { kind: "instance" } });
  });

  it("finds nothing of ours on other hosts or paths", () => {
    expect(parse("acct:changemakers@elsewhere.example")).toEqual({ ok: true, target: null });
    expect(parse("https://elsewhere.example/orgs/changemakers")).toEqual({ ok: true, target: null });
    expect(parse("https://badges.example/badges/b1")).toEqual({ ok: true, target: null });
    expect(parse("acct:no spaces@badges.example")).toEqual({ ok: true, target: null });
    expect(parse("mailto:someone@badges.example")).toEqual({ ok: true, target: null });
  });

  it("calls malformed resources malformed", () => {
    for (const bad of [undefined, "", "   ", ["acct:a@b"], "acct:nohost", "acct:@badges.example", "acct:x@", "changemakers", "acct:%E0%A4%A@badges.example", "x".repeat(600)]) {
      expect(parse(bad).ok, String(bad)).toBe(false);
    }
  });
});
