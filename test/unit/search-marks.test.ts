import { describe, expect, it } from "vitest";
import { highlightTerms, snippetOfTerms } from "../../app/services/search-marks.server";
import { searchTerms } from "../../app/services/catalogue-query.server";
import { MATCH_END as E, MATCH_START as S } from "../../app/utils/highlight";

describe("search marks", () => {
  it("marks whole words as the tokenizer matched them: case, diacritics, the last word as a prefix", () => {
    const terms = searchTerms("THEORY chang");
    expect(highlightTerms("Théory of Change, changemakers' theory-building", terms)).toBe(
      `${S}Théory${E} of ${S}Change${E}, ${S}changemakers${E}' ${S}theory${E}-building`,
    );
    // Only the last word is a prefix: "theo" alone is not "theory" here.
    expect(highlightTerms("Theory", searchTerms("theo change"))).toBe("Theory");
    expect(highlightTerms("<b>Crowdfunding</b>", searchTerms("crowdfunding"))).toBe(`<b>${S}Crowdfunding${E}</b>`);
  });

  it("gives no snippet when nothing matches, the whole of a short text, and an excerpt of a long one", () => {
    expect(snippetOfTerms("Draw a logic model", searchTerms("finance"))).toBeNull();
    expect(snippetOfTerms("Plan a crowdfunding campaign.", searchTerms("crowdfunding"))).toBe(`Plan a ${S}crowdfunding${E} campaign.`);
    const words = Array.from({ length: 60 }, (_, i) => `w${i}`);
    words[40] = "budget";
    const excerpt = snippetOfTerms(words.join(" "), searchTerms("budget"), 10)!;
    expect(excerpt).toBe(`…w37 w38 w39 ${S}budget${E} w41 w42 w43 w44 w45 w46…`);
    // Where most of the words match wins over the first match.
    words[5] = "plan";
    words[42] = "plan";
    expect(snippetOfTerms(words.join(" "), searchTerms("plan budget"), 10)).toContain(`${S}budget${E} w41 ${S}plan${E}`);
  });
});
