import { describe, expect, it } from "vitest";
import { renderMarkdown } from "../../app/utils/markdown.server";

describe("renderMarkdown", () => {
  it("renders ordinary Markdown", () => {
    const html = renderMarkdown("# Criteria\n\n- **plan** a project\n- run it\n\n`code`");
    // A top-level heading sits below the page h1 and the "Criteria" h2.
    expect(html).toContain("<h3>Criteria</h3>");
    expect(html).toContain("<li><strong>plan</strong> a project</li>");
    expect(html).toContain("<code>code</code>");
  });

  it("removes scripts, event handlers and dangerous URLs", () => {
    const html = renderMarkdown(
      [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(2)">',
        "[click](javascript:alert(3))",
        '<a href="data:text/html,<script>alert(4)</script>">data</a>',
        '<div onclick="alert(5)">div</div>',
        "<iframe src=https://evil.example></iframe>",
        "<svg><script>alert(6)</script></svg>",
      ].join("\n\n"),
    );
    expect(html).not.toMatch(/<script|onerror|onclick|javascript:|data:text|<iframe|<img|<svg/i);
    expect(html).not.toContain("alert(1)");
    expect(html).toContain("div");
  });

  it("marks links nofollow ugc noopener and keeps only http(s) and mailto", () => {
    const html = renderMarkdown('[site](https://example.org "Example") [mail](mailto:a@example.org) [ftp](ftp://x.example)');
    expect(html).toContain('<a href="https://example.org" title="Example" rel="nofollow ugc noopener">site</a>');
    expect(html).toContain('href="mailto:a@example.org"');
    expect(html).not.toContain("ftp://");
  });

  it("turns a link whose address was refused into plain text, keeping safe links", () => {
    const html = renderMarkdown(
      [
        "Read [the guide](https://example.org/guide), not [this](javascript:alert(1)).",
        '<a href="data:text/html,x">data **bold**</a> <a href="vbscript:msgbox(1)">vb</a> <a href="//evil.example/x">proto</a>',
        '<a name="anchor">named</a> <a href=" JaVaScRiPt:alert(2)">spaced</a>',
      ].join("\n\n"),
    );
    expect(html).toContain('<a href="https://example.org/guide" rel="nofollow ugc noopener">the guide</a>');
    // Exactly one link survives; the others are their words, in place.
    expect(html.match(/<a\b/g)).toHaveLength(1);
    expect(html).toContain(", not this.</p>");
    expect(html).toContain("<p>data <strong>bold</strong> vb proto</p>");
    expect(html).toContain("named spaced");
    expect(html).not.toMatch(/javascript|vbscript|data:|evil\.example/i);
  });

  it("keeps markup inside a refused link", () => {
    const html = renderMarkdown("[**strong** words](javascript:void(0))");
    expect(html.trim()).toBe("<p><strong>strong</strong> words</p>");
  });

  it("overrides a rel written by the author", () => {
    const html = renderMarkdown('<a href="https://example.org" rel="opener">x</a>');
    expect(html).toContain('rel="nofollow ugc noopener"');
    expect(html).not.toContain('rel="opener"');
  });

  it("handles empty text", () => {
    expect(renderMarkdown("")).toBe("");
  });
});
