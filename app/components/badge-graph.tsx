// A picture of a prerequisite graph, drawn on the server as plain SVG from a layout made by
// badge-graph-layout.server.ts, and the same graph as a nested list beside it (what screen
// readers and keyboards use; the picture is one image to them). Takes a plain BadgeGraph:
// a badge page passes the graph around its badge, a pathway page its own (goal, steps and
// the pathway's order of steps, drawn dashed: advice, not a badge's rule).
//
// Every cue has words or a shape as well as a colour: each box says where the learner
// stands ("Held, proven", "Can earn now"…) and has its own border (double, solid, dotted,
// dashed); an unavailable badge is hatched and says so; a badge of another instance says
// "on host"; a junction says its rule ("any 1 of 3") and, when met, has a tick.
import { Fragment, type ReactNode } from "react";
import { Link } from "@remix-run/react";
import {
  badgeLabel,
  conditionWords,
  drawsJunction,
  junctionLabel,
  progressStyle,
  progressWords,
  type BadgeGraph,
  type GraphBadge,
  type GraphCondition,
  type ProgressStyle,
} from "~/services/badge-graph";
import type { GraphLayout } from "~/services/badge-graph-layout.server";

const INK = "#1b1f24";
const MUTED = "#4a5562";
// Fill and border per learner's progress: each border is also drawn differently.
const STYLE: Record<ProgressStyle, { fill: string; stroke: string; dash?: string; width: number; label: string }> = {
  proven: { fill: "#d7efdf", stroke: "#1e6b3a", width: 2, label: "Held, proven by a verified credential (double border)" },
  held: { fill: "#e6f4ea", stroke: "#1e6b3a", width: 2.5, label: "Held (solid green border)" },
  ready: { fill: "#fff4d6", stroke: "#7a4b00", dash: "2 3", width: 2.5, label: "Can earn now: its prerequisites are met (dotted border)" },
  planned: { fill: "#e8eef7", stroke: "#1d4e89", dash: "7 4", width: 2, label: "Planned (dashed blue border)" },
  none: { fill: "#ffffff", stroke: "#6b7682", width: 1.5, label: "" },
};
const UNAVAILABLE = { fill: "url(#{id}-hatch)", stroke: "#a1271d", dash: "4 3", width: 1.5 };
// A pathway's order of steps (GraphCondition.route): dashed, where prerequisites are solid.
const ROUTE_DASH = "6 4";

// ---- Fitting words to boxes of fixed size ------------------------------------------------
// The server cannot measure text, so it estimates: each character's advance in em, as
// DejaVu Sans Bold draws it (the widest of the usual system fonts: others leave room).
function charEm(c: string): number {
  if (/[ijlIJ'|.,:;! ]/.test(c)) return 0.35;
  if (/[ftr()[\]\-/\\"*`_]/.test(c)) return 0.5;
  if (/[csz?]/.test(c)) return 0.6;
  if (/[wW]/.test(c)) return 1.1;
  if (/[mM%@]/.test(c)) return 1.05;
  if (/[A-Z&#+<=>^~]/.test(c)) return 0.82;
  if (/[\x21-\x7e]/.test(c)) return 0.72;
  // Other scripts and symbols: a full em.
  return 1;
}

/** About how wide `text` is at `size` px, bold. */
export const textWidth = (text: string, size: number) => [...text].reduce((w, c) => w + charEm(c), 0) * size;

/** `text` cut to `width` px at `size`, with an ellipsis when cut. */
function clip(text: string, size: number, width: number): string {
  if (textWidth(text, size) <= width) return text;
  const chars = [...text];
  while (chars.length && textWidth(`${chars.join("")}…`, size) > width) chars.pop();
  return `${chars.join("").trimEnd()}…`;
}

/** Words wrapped into at most `count` lines of `width` px, a word longer than a line cut up, the last line clipped. */
function wrap(text: string, size: number, width: number, count: number): string[] {
  const fits = (t: string) => textWidth(t, size) <= width;
  const words = text
    .split(/\s+/)
    .filter(Boolean)
    .flatMap((w) => {
      if (fits(w)) return [w];
      const pieces = [""];
      for (const c of w) {
        if (fits(pieces[pieces.length - 1] + c)) pieces[pieces.length - 1] += c;
        else pieces.push(c);
      }
      return pieces;
    });
  const lines: string[] = [""];
  for (const w of words) {
    const i = lines.length - 1;
    if (!lines[i]) lines[i] = w;
    else if (fits(`${lines[i]} ${w}`) || lines.length === count) lines[i] = `${lines[i]} ${w}`;
    else lines.push(w);
  }
  return lines.map((l) => clip(l, size, width));
}

const unavailable = (b: GraphBadge) => b.availability === "withdrawn" || b.availability === "unknown";

/** What the last line of a box says: the learner's progress, else why it cannot be had. */
function statusLine(b: GraphBadge): { text: string; mark: string } | null {
  if (unavailable(b)) return { text: b.availability === "withdrawn" ? "Unavailable: withdrawn" : "Unavailable here", mark: "⊘" };
  const words = progressWords(b.learner);
  const style = progressStyle(b.learner);
  const mark = { proven: "✓✓", held: "✓", ready: "➜", planned: "◇", none: "" }[style];
  if (words) return { text: words, mark };
  if (b.availability === "deprecated") return { text: "Deprecated", mark: "" };
  return null;
}

function BadgeBox({
  badge,
  box,
  focus,
  id,
  moreAbove,
}: {
  badge: GraphBadge;
  box: { x: number; y: number; width: number; height: number };
  focus: boolean;
  id: string;
  // Prerequisites not drawn that no junction of its own stands for.
  moreAbove: boolean;
}) {
  const style = unavailable(badge) ? { ...UNAVAILABLE, fill: UNAVAILABLE.fill.replace("{id}", id) } : STYLE[progressStyle(badge.learner)];
  const { x, y, width: w, height: h } = box;
  // Inside the box's padding, a little short of its right edge. A badge not known
  // here is named by its address, cut into lines (it has no spaces to wrap at).
  const room = w - 18;
  const name = wrap(badge.name ?? badge.key.replace(/^https?:\/\//i, ""), 13, room, 2);
  const status = statusLine(badge);
  const lines: ReactNode[] = [];
  // Two lines of name at the top, the home instance and the learner's progress at the
  // bottom (the home instance lowest when there is no progress to say).
  let ty = y + 17;
  name.forEach((line, i) => {
    lines.push(
      <tspan key={`n${i}`} x={x + 10} y={ty} fontWeight={700} fontSize={13}>
        {line}
      </tspan>,
    );
    ty += 15;
  });
  if (badge.host)
    lines.push(
      <tspan key="host" x={x + 10} y={status ? y + h - 24 : y + h - 8} fontSize={11} fill={MUTED} fontStyle="italic">
        {clip(`on ${badge.host}`, 11, room)}
      </tspan>,
    );
  if (status)
    lines.push(
      <tspan key="status" x={x + 10} y={y + h - 8} fontSize={11} fontWeight={700} fill={unavailable(badge) ? "#a1271d" : INK}>
        {`${status.mark ? `${status.mark} ` : ""}${status.text}`}
      </tspan>,
    );
  const body = (
    <>
      {focus ? <rect x={x - 5} y={y - 5} width={w + 10} height={h + 10} rx={11} fill="none" stroke={INK} strokeWidth={2.5} /> : null}
      <rect x={x} y={y} width={w} height={h} rx={7} fill={style.fill} stroke={style.stroke} strokeWidth={style.width} strokeDasharray={style.dash} />
      {progressStyle(badge.learner) === "proven" && !unavailable(badge) ? (
        <rect x={x + 3.5} y={y + 3.5} width={w - 7} height={h - 7} rx={5} fill="none" stroke={style.stroke} strokeWidth={1.25} />
      ) : null}
      <text fill={INK}>{lines}</text>
      {moreAbove ? <More x={x + w - 22} y={y} up /> : null}
      {badge.moreAfter ? <More x={x + w - 22} y={y + h} up={false} /> : null}
    </>
  );
  // The list beside the picture carries the same links for keyboards and screen readers.
  return badge.href ? (
    <a href={badge.href} tabIndex={-1} className="graph-node-link">
      {body}
    </a>
  ) : (
    body
  );
}

/** A short dashed stub off a box's edge, "more" at its end: the graph goes on beyond the picture. */
function More({ x, y, up }: { x: number; y: number; up: boolean }) {
  const end = up ? y - 12 : y + 12;
  return (
    <>
      <line x1={x} y1={y} x2={x} y2={end} stroke={MUTED} strokeWidth={1.5} strokeDasharray="2 2" />
      <text x={x + 4} y={up ? end + 3 : end + 2} fontSize={10} fill={MUTED}>
        more
      </text>
    </>
  );
}

/** What a junction says: its rule, after the route's name when it has words of its own (clipped to fit its box). */
function junctionText(c: GraphCondition, width: number): string {
  const rule = junctionLabel(c);
  if (!c.junctionText) return rule;
  // Inside its rounded ends, with room for the tick.
  const room = width - 18 - (c.met ? textWidth("✓ ", 11) : 0);
  return c.size === 1 ? clip(c.junctionText, 11, room) : `${clip(c.junctionText, 11, Math.max(40, room - textWidth(` · ${rule}`, 11)))} · ${rule}`;
}

function Junction({ condition, box }: { condition: GraphCondition; box: { x: number; y: number; width: number; height: number } }) {
  const met = condition.met === true;
  const label = junctionText(condition, box.width);
  return (
    <>
      {condition.members.length < condition.size ? <More x={box.x + box.width - 16} y={box.y} up /> : null}
      <rect
        x={box.x}
        y={box.y}
        width={box.width}
        height={box.height}
        rx={box.height / 2}
        fill={met ? "#e6f4ea" : "#ffffff"}
        stroke={met ? "#1e6b3a" : MUTED}
        strokeWidth={1.5}
        strokeDasharray={condition.route !== undefined ? ROUTE_DASH : undefined}
      />
      <text x={box.x + box.width / 2} y={box.y + box.height / 2 + 4} textAnchor="middle" fontSize={11} fontWeight={600} fill={INK}>
        {met ? `✓ ${label}` : label}
      </text>
    </>
  );
}

/** Whether every condition of `key` missing badges in the picture is drawn as a junction (which says so itself). */
function junctionsCarry(graph: BadgeGraph, layout: GraphLayout, key: string): boolean {
  return graph.conditions.every((c, i) => c.badge !== key || c.members.length === c.size || layout.junctions[i] !== null);
}

const path = (points: [number, number][]) => points.map(([x, y], i) => `${i ? "L" : "M"}${x.toFixed(1)},${y.toFixed(1)}`).join(" ");

function Legend({ graph, id }: { graph: BadgeGraph; id: string }) {
  const present = new Set(graph.badges.filter((b) => !unavailable(b)).map((b) => progressStyle(b.learner)));
  const routes = graph.conditions.some((c) => c.route !== undefined);
  const line = (dash?: string) => (
    <svg width="28" height="18" viewBox="0 0 28 18" aria-hidden="true" focusable="false">
      <line x1={2} y1={9} x2={20} y2={9} stroke={MUTED} strokeWidth={1.5} strokeDasharray={dash} />
      <path d="M20,5 L27,9 L20,13 z" fill={MUTED} />
    </svg>
  );
  const styles = (["proven", "held", "ready", "planned"] as const).filter((s) => present.has(s));
  const swatch = (fill: string, stroke: string, dash: string | undefined, width: number, double = false) => (
    <svg width="28" height="18" viewBox="0 0 28 18" aria-hidden="true" focusable="false">
      <rect x={2} y={2} width={24} height={14} rx={3} fill={fill} stroke={stroke} strokeWidth={width} strokeDasharray={dash} />
      {double ? <rect x={5} y={5} width={18} height={8} rx={2} fill="none" stroke={stroke} strokeWidth={1} /> : null}
    </svg>
  );
  return (
    <ul className="graph-legend small" aria-label="Key to the picture">
      {styles.map((s) => (
        <li key={s}>
          {swatch(STYLE[s].fill, STYLE[s].stroke, STYLE[s].dash, STYLE[s].width, s === "proven")} {STYLE[s].label}
        </li>
      ))}
      {graph.badges.some(unavailable) ? (
        <li>
          <svg width="28" height="18" viewBox="0 0 28 18" aria-hidden="true" focusable="false">
            <defs>
              <Hatch id={`${id}-legend`} />
            </defs>
            <rect x={2} y={2} width={24} height={14} rx={3} fill={`url(#${id}-legend-hatch)`} stroke={UNAVAILABLE.stroke} strokeDasharray={UNAVAILABLE.dash} />
          </svg>{" "}
          Unavailable: withdrawn, or not known here (hatched)
        </li>
      ) : null}
      <li>
        <svg width="28" height="18" viewBox="0 0 28 18" aria-hidden="true" focusable="false">
          <rect x={2} y={2} width={24} height={14} rx={7} fill="#ffffff" stroke={MUTED} strokeWidth={1.5} />
        </svg>{" "}
        A rule joining the badges above it: how many of them are needed
      </li>
      {routes ? (
        <>
          <li>
            {line()} A prerequisite: the badge below asks for it
          </li>
          <li>
            {line(ROUTE_DASH)} The pathway&rsquo;s order: on its route, the badge below comes after (advice, not a prerequisite)
          </li>
        </>
      ) : null}
      {graph.badges.some((b) => b.host) ? <li>“on host”: a badge of another instance</li> : null}
    </ul>
  );
}

function Hatch({ id }: { id: string }) {
  return (
    <pattern id={`${id}-hatch`} width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
      <rect width="8" height="8" fill="#f3f4f6" />
      <line x1="0" y1="0" x2="0" y2="8" stroke="#c4c9d0" strokeWidth="3" />
    </pattern>
  );
}

export function BadgeGraphPicture({ graph, layout, id = "badge-graph" }: { graph: BadgeGraph; layout: GraphLayout; id?: string }) {
  const held = new Set(graph.badges.filter((b) => b.learner?.holding).map((b) => b.key));
  return (
    <svg
      viewBox={`0 0 ${Math.ceil(layout.width)} ${Math.ceil(layout.height)}`}
      width={Math.ceil(layout.width)}
      height={Math.ceil(layout.height)}
      role="img"
      aria-labelledby={`${id}-title ${id}-desc`}
      xmlns="http://www.w3.org/2000/svg"
      fontFamily="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
      className="badge-graph-svg"
      // On a narrow screen the picture keeps a legible size and scrolls sideways.
      style={{ minWidth: Math.min(Math.ceil(layout.width), 560) }}
    >
      <title id={`${id}-title`}>{graph.title}</title>
      <desc id={`${id}-desc`}>{`${graph.description} The list beside the picture says the same in words.`}</desc>
      <defs>
        <marker id={`${id}-arrow`} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
          <path d="M0,0 L10,5 L0,10 z" fill={MUTED} />
        </marker>
        <marker id={`${id}-arrow-held`} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
          <path d="M0,0 L10,5 L0,10 z" fill="#1e6b3a" />
        </marker>
        <Hatch id={id} />
      </defs>
      {layout.edges.map((e, i) => {
        const fromHeld = e.from !== null && held.has(graph.badges[e.from]?.key);
        const intoJunction = e.from !== null && layout.junctions[e.condition] !== null;
        const route = graph.conditions[e.condition]?.route !== undefined;
        return (
          <path
            key={`e${i}`}
            d={path(e.points)}
            fill="none"
            stroke={fromHeld ? "#1e6b3a" : MUTED}
            strokeWidth={fromHeld ? 2.5 : 1.5}
            strokeDasharray={route ? ROUTE_DASH : undefined}
            markerEnd={intoJunction ? undefined : `url(#${id}-arrow${fromHeld ? "-held" : ""})`}
          />
        );
      })}
      {graph.conditions.map((c, i) => {
        const box = layout.junctions[i];
        return box && drawsJunction(c) ? <Junction key={c.key} condition={c} box={box} /> : null;
      })}
      {graph.badges.map((b, i) => (
        <BadgeBox key={b.key} badge={b} box={layout.badges[i]} focus={b.key === graph.focus} id={id} moreAbove={b.moreBefore && !junctionsCarry(graph, layout, b.key)} />
      ))}
    </svg>
  );
}

// ---- The same graph as a nested list -------------------------------------------------

const isWebUrl = (u: string) => /^https?:\/\//i.test(u);

function BadgeItem({ badge, focus, focusWords = "this badge" }: { badge: GraphBadge; focus: boolean; focusWords?: string }) {
  const label = badgeLabel(badge);
  const name = badge.href ? (
    <Link to={badge.href}>{label}</Link>
  ) : isWebUrl(badge.key) ? (
    <a href={badge.key} rel="nofollow noopener">
      {label}
    </a>
  ) : (
    <span>{label}</span>
  );
  const notes = [
    focus ? focusWords : null,
    badge.host ? `on ${badge.host}` : null,
    unavailable(badge) ? (badge.availability === "withdrawn" ? "unavailable: withdrawn by its steward" : "unavailable: not known here") : null,
    badge.availability === "deprecated" ? "deprecated" : null,
    progressWords(badge.learner)?.toLowerCase() ?? null,
  ].filter(Boolean);
  return (
    <span className="graph-item" data-progress={progressStyle(badge.learner)} data-availability={badge.availability}>
      {focus ? <strong>{name}</strong> : name}
      {notes.length ? <span className="muted small">{` (${notes.join("; ")})`}</span> : null}
    </span>
  );
}

interface Index {
  byKey: Map<string, GraphBadge>;
  conditionsOf: Map<string, GraphCondition[]>;
  // Badge key -> the conditions (of other badges) naming it.
  namedIn: Map<string, GraphCondition[]>;
}

function indexGraph(graph: BadgeGraph): Index {
  const byKey = new Map(graph.badges.map((b) => [b.key, b]));
  const conditionsOf = new Map<string, GraphCondition[]>();
  const namedIn = new Map<string, GraphCondition[]>();
  for (const c of graph.conditions) {
    conditionsOf.set(c.badge, [...(conditionsOf.get(c.badge) ?? []), c]);
    for (const m of c.members) namedIn.set(m, [...(namedIn.get(m) ?? []), c]);
  }
  return { byKey, conditionsOf, namedIn };
}

function conditionNote(c: GraphCondition): string {
  const parts: string[] = [];
  if (c.members.length < c.size) parts.push(`${c.size - c.members.length} not drawn`);
  if (c.met !== null) parts.push(c.met ? "met" : `you hold ${c.held}, ${c.requiredNumber} needed`);
  return parts.length ? ` (${parts.join("; ")})` : "";
}

/** What leads to `key`: its conditions, each with its badges and what leads to them in turn. */
function LeadsTo({ keyOf, ix, seen, focus, focusWords }: { keyOf: string; ix: Index; seen: Set<string>; focus: string | null; focusWords?: string }): ReactNode {
  const conditions = ix.conditionsOf.get(keyOf) ?? [];
  if (!conditions.length) return null;
  return (
    <ul>
      {conditions.map((c) => (
        <li key={c.key}>
          <span className="graph-rule">{`${conditionWords(c)}${conditionNote(c)}:`}</span>
          <ul>
            {c.members.map((m) => {
              const badge = ix.byKey.get(m)!;
              const again = seen.has(m);
              seen.add(m);
              return (
                <li key={m}>
                  <BadgeItem badge={badge} focus={m === focus} focusWords={focusWords} />
                  {again ? (
                    <span className="muted small"> (shown above)</span>
                  ) : (
                    <>
                      {badge.moreBefore && !(ix.conditionsOf.get(m) ?? []).some((x) => x.members.length) ? (
                        <span className="muted small"> (its own prerequisites are not drawn)</span>
                      ) : null}
                      <LeadsTo keyOf={m} ix={ix} seen={seen} focus={focus} focusWords={focusWords} />
                    </>
                  )}
                </li>
              );
            })}
          </ul>
        </li>
      ))}
    </ul>
  );
}

/** How many other conditions the badge `c` gates has. */
const others = (ix: Index, c: GraphCondition) => (ix.conditionsOf.get(c.badge) ?? []).length - 1;

/** What `key` leads to: the badges one of whose conditions names it, and on from them. */
function LeadsOn({ keyOf, ix, seen }: { keyOf: string; ix: Index; seen: Set<string> }): ReactNode {
  const next = (ix.namedIn.get(keyOf) ?? []).filter((c) => !seen.has(c.badge));
  if (!next.length) return null;
  return (
    <ul>
      {next.map((c) => {
        seen.add(c.badge);
        const badge = ix.byKey.get(c.badge)!;
        return (
          <li key={c.key}>
            <BadgeItem badge={badge} focus={false} />
            <span className="muted small">
              {c.route !== undefined
                ? ` — comes after it ${c.route ? `on the route “${c.route}”` : "on the pathway"}${c.size === 1 ? "" : `, as one of: ${conditionWords({ ...c, route: undefined }).toLowerCase()}${conditionNote(c)}`}`
                : c.size === 1
                  ? " — needs it"
                  : ` — needs it as one of: ${conditionWords(c).toLowerCase()}${conditionNote(c)}`}
              {others(ix, c) ? `, and ${others(ix, c)} more ${others(ix, c) === 1 ? "condition" : "conditions"}` : ""}
            </span>
            <LeadsOn keyOf={c.badge} ix={ix} seen={seen} />
          </li>
        );
      })}
    </ul>
  );
}

/** A pathway's graph as a list: from its goal back along its routes, then any step on no route (a draft's). */
function PathwayList({ graph, ix, focus, H }: { graph: BadgeGraph; ix: Index; focus: GraphBadge; H: "h3" | "h4" }) {
  const name = badgeLabel(focus);
  const reached = new Set([focus.key]);
  const walk = (key: string) => {
    for (const c of ix.conditionsOf.get(key) ?? [])
      for (const m of c.members)
        if (!reached.has(m)) {
          reached.add(m);
          walk(m);
        }
  };
  walk(focus.key);
  const stray = graph.badges.filter((b) => !reached.has(b.key));
  const seen = new Set([focus.key]);
  return (
    <div className="graph-list">
      <H>{`How the pathway leads to ${name}`}</H>
      {(ix.conditionsOf.get(focus.key) ?? []).length ? (
        <LeadsTo keyOf={focus.key} ix={ix} seen={seen} focus={focus.key} focusWords="the goal" />
      ) : (
        <p className="small">No route leads to it yet.</p>
      )}
      {focus.learner ? (
        <p className="small">
          <BadgeItem badge={focus} focus focusWords="the goal" />
        </p>
      ) : null}
      {stray.length ? (
        <>
          <H>On no route yet</H>
          <ul>
            {stray.map((b) => (
              <li key={b.key}>
                <BadgeItem badge={b} focus={false} />
                <LeadsTo keyOf={b.key} ix={ix} seen={seen} focus={focus.key} focusWords="the goal" />
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}

export function BadgeGraphList({ graph, headingLevel = 3 }: { graph: BadgeGraph; headingLevel?: 3 | 4 }) {
  const ix = indexGraph(graph);
  const H = `h${headingLevel}` as "h3" | "h4";
  const focus = graph.focus ? ix.byKey.get(graph.focus) : null;
  if (!focus) {
    // No single badge at the centre (a pathway): from each goal (named by no condition) back.
    const goals = graph.badges.filter((b) => !ix.namedIn.has(b.key));
    return (
      <div className="graph-list">
        <ul>
          {goals.map((g) => (
            <li key={g.key}>
              <BadgeItem badge={g} focus={false} />
              <LeadsTo keyOf={g.key} ix={ix} seen={new Set([g.key])} focus={null} />
            </li>
          ))}
        </ul>
      </div>
    );
  }
  const name = badgeLabel(focus);
  if (graph.kind === "pathway") return <PathwayList graph={graph} ix={ix} focus={focus} H={H} />;
  const hasBefore = (ix.conditionsOf.get(focus.key) ?? []).length > 0;
  const hasAfter = (ix.namedIn.get(focus.key) ?? []).length > 0;
  return (
    <div className="graph-list">
      <H>{`What leads to ${name}`}</H>
      {hasBefore ? (
        <LeadsTo keyOf={focus.key} ix={ix} seen={new Set([focus.key])} focus={focus.key} />
      ) : (
        <p className="small">Nothing: it has no prerequisites.</p>
      )}
      {focus.learner ? (
        <p className="small">
          <BadgeItem badge={focus} focus />
        </p>
      ) : null}
      <H>{`What ${name} leads to`}</H>
      {hasAfter ? <LeadsOn keyOf={focus.key} ix={ix} seen={new Set([focus.key])} /> : <p className="small">No badge names it as a prerequisite yet.</p>}
    </div>
  );
}

/** The picture and the list side by side, with a caption, a key and what was left out. */
export function BadgeGraphFigure({ graph, layout, id = "badge-graph" }: { graph: BadgeGraph; layout: GraphLayout | null; id?: string }) {
  if (!layout)
    return (
      <div className="badge-graph">
        <p className="small muted">{`${graph.description} The picture could not be drawn this time; the list says the same.`}</p>
        <BadgeGraphList graph={graph} />
      </div>
    );
  return (
    <div className="badge-graph">
      <figure aria-labelledby={`${id}-caption`}>
        <div className="badge-graph-scroll" style={{ maxWidth: Math.ceil(layout.width) }}>
          <BadgeGraphPicture graph={graph} layout={layout} id={id} />
        </div>
        <figcaption id={`${id}-caption`}>
          <p className="small">
            <strong>{graph.title}.</strong> {graph.description}
            {graph.leftOut ? (
              <Fragment>
                {" "}
                <span className="graph-left-out">{graph.leftOut}</span>
              </Fragment>
            ) : null}
          </p>
          <Legend graph={graph} id={id} />
        </figcaption>
      </figure>
      <BadgeGraphList graph={graph} />
    </div>
  );
}
