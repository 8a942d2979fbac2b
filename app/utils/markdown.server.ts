// Markdown that co-authors write (badge criteria) rendered for display. marked turns it
// into HTML; sanitize-html then keeps only an allowlist, so raw HTML, scripts, event
// handlers and javascript: URLs never reach a page. Links get rel="nofollow ugc noopener";
// a link left without an address (its URL was refused) becomes its plain text, so that
// nothing on the page looks like a link that goes nowhere.
import { Marked } from "marked";
import sanitizeHtml from "sanitize-html";

// An instance of our own: options never leak into (or from) other users of marked.
const markdown = new Marked({ gfm: true, breaks: false, async: false });

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    "p", "br", "hr", "strong", "em", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td",
  ],
  allowedAttributes: {
    a: ["href", "title", "rel"],
    ol: ["start"],
    th: ["align"],
    td: ["align"],
  },
  allowedSchemes: ["http", "https", "mailto"],
  allowedSchemesAppliedToAttributes: ["href"],
  allowProtocolRelative: false,
  // Dropped tags lose their markup but keep their text, except these whose content is code.
  nonTextTags: ["script", "style", "textarea", "option", "noscript", "iframe", "object"],
  transformTags: {
    // Criteria sit under the page's h1 (badge name) and an h2 ("Criteria"): their own
    // headings start at h3.
    h1: "h3",
    h2: "h4",
    a: (tagName, attribs) => ({
      tagName,
      attribs: { ...attribs, rel: "nofollow ugc noopener" },
    }),
  },
  // Runs after the URL check has removed unsafe hrefs: keep the text, drop the <a>.
  exclusiveFilter: (frame) => (frame.tag === "a" && !frame.attribs.href ? "excludeTag" : false),
};

/** Markdown to sanitised HTML, safe to put in a page with dangerouslySetInnerHTML. */
export function renderMarkdown(text: string): string {
  const html = markdown.parse(text ?? "", { async: false }) as string;
  return sanitizeHtml(html, SANITIZE);
}
