// A picture of who vouches for a badge: the badge in the middle, its endorsers around it
// grouped by kind, an arrow from each. Drawn on the server as plain SVG (no script, no
// library); each kind has its own shape as well as its colour, organisations of other
// instances a double ring and their host under their name, endorsements of an earlier
// version a dashed arrow. The figure's caption lists the same facts as text.
import { Fragment } from "react";
import { KIND_LABELS } from "./catalogue";

export type NetworkKind = "nonprofit" | "business" | "school" | "community";

export interface NetworkNodeView {
  name: string;
  kind: NetworkKind;
  host: string | null;
  handle: string;
  isCurrent: boolean;
}

export interface NetworkView {
  badgeName: string;
  nodes: NetworkNodeView[];
  others: { kind: NetworkKind; count: number }[];
}

const KIND_ORDER: NetworkKind[] = ["nonprofit", "business", "school", "community"];
// Dark enough for 4.5:1 against white, so arrows and shapes read on the page.
export const KIND_COLOURS: Record<NetworkKind, string> = {
  nonprofit: "#1d4e89",
  business: "#8a2c74",
  school: "#1e6b3a",
  community: "#7a4b00",
};
export const PLURAL_KIND: Record<NetworkKind, [string, string]> = {
  nonprofit: ["nonprofit", "nonprofits"],
  business: ["business", "businesses"],
  school: ["school", "schools"],
  community: ["community group", "community groups"],
};
export const countOf = (kind: NetworkKind, n: number) => `${n.toLocaleString("en-GB")} ${PLURAL_KIND[kind][n === 1 ? 0 : 1]}`;

const W = 680;
const H = 440;
const CX = W / 2;
const CY = 210;
const RING = 140;
const NODE = 15;
const HUB = 60;

const clip = (text: string, max: number) => ([...text].length > max ? `${[...text].slice(0, max - 1).join("")}…` : text);

/** Words wrapped into at most `count` lines of `max` characters, the last clipped. */
function wrap(text: string, max: number, count: number): string[] {
  const lines: string[] = [""];
  for (const w of text.split(/\s+/)) {
    const i = lines.length - 1;
    if (!lines[i]) lines[i] = w;
    else if ([...`${lines[i]} ${w}`].length <= max || lines.length === count) lines[i] = `${lines[i]} ${w}`;
    else lines.push(w);
  }
  return lines.map((l) => clip(l, max));
}

function Shape({ kind, x, y, r, remote }: { kind: NetworkKind; x: number; y: number; r: number; remote: boolean }) {
  const fill = KIND_COLOURS[kind];
  const props = { fill, stroke: "#ffffff", strokeWidth: 2 };
  const ring = remote ? <circle cx={x} cy={y} r={r + 5} fill="none" stroke={fill} strokeWidth={2} /> : null;
  const shape =
    kind === "business" ? (
      <rect x={x - r * 0.85} y={y - r * 0.85} width={r * 1.7} height={r * 1.7} rx={2} {...props} />
    ) : kind === "school" ? (
      <polygon points={`${x},${y - r} ${x + r * 0.95},${y + r * 0.75} ${x - r * 0.95},${y + r * 0.75}`} {...props} />
    ) : kind === "community" ? (
      <polygon points={`${x},${y - r} ${x + r},${y} ${x},${y + r} ${x - r},${y}`} {...props} />
    ) : (
      <circle cx={x} cy={y} r={r * 0.9} {...props} />
    );
  return (
    <>
      {ring}
      {shape}
    </>
  );
}

interface Placed extends NetworkNodeView {
  angle: number;
}

/** Kinds in a fixed order, each a run of positions, with a gap between kinds. */
function place(nodes: NetworkNodeView[]): Placed[] {
  const sorted = [...nodes].sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.name.localeCompare(b.name));
  const groups = new Set(sorted.map((n) => n.kind)).size;
  const slots = sorted.length + (groups > 1 ? groups : 0);
  const step = (2 * Math.PI) / Math.max(slots, 1);
  let slot = 0;
  let previous: NetworkKind | null = null;
  return sorted.map((n) => {
    if (previous !== null && n.kind !== previous) slot += 1;
    previous = n.kind;
    return { ...n, angle: -Math.PI / 2 + step * slot++ };
  });
}

export function EndorsementNetworkFigure({ network, id = "endorsement-network" }: { network: NetworkView; id?: string }) {
  if (!network.nodes.length) return null;
  const placed = place(network.nodes);
  const hubLines = wrap(network.badgeName, 13, 3);
  const othersText = network.others.length
    ? `And ${network.others.map((o) => countOf(o.kind, o.count)).join(", ")} not drawn.`
    : null;
  const byKind = KIND_ORDER.map((kind) => ({ kind, nodes: network.nodes.filter((n) => n.kind === kind) })).filter((g) => g.nodes.length);
  return (
    <figure className="endorsement-network" aria-labelledby={`${id}-caption`}>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        width={W}
        height={H}
        role="img"
        aria-labelledby={`${id}-title ${id}-desc`}
        xmlns="http://www.w3.org/2000/svg"
        fontFamily="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
      >
        <title id={`${id}-title`}>{`Who vouches for ${network.badgeName}`}</title>
        <desc id={`${id}-desc`}>
          {`${network.nodes.length} endorsing organisations drawn around the badge, each with an arrow to it. ${othersText ?? ""}`}
        </desc>
        <defs>
          {KIND_ORDER.map((kind) => (
            <marker key={kind} id={`${id}-arrow-${kind}`} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
              <path d="M0,0 L10,5 L0,10 z" fill={KIND_COLOURS[kind]} />
            </marker>
          ))}
        </defs>
        {placed.map((n, i) => {
          const cos = Math.cos(n.angle);
          const sin = Math.sin(n.angle);
          const from = { x: CX + cos * (RING - NODE - 6), y: CY + sin * (RING - NODE - 6) };
          const to = { x: CX + cos * (HUB + 6), y: CY + sin * (HUB + 6) };
          return (
            <line
              key={`edge-${i}`}
              x1={from.x}
              y1={from.y}
              x2={to.x}
              y2={to.y}
              stroke={KIND_COLOURS[n.kind]}
              strokeWidth={2}
              strokeDasharray={n.isCurrent ? undefined : "6 5"}
              markerEnd={`url(#${id}-arrow-${n.kind})`}
            />
          );
        })}
        <circle cx={CX} cy={CY} r={HUB} fill="#f4f6f9" stroke="#1b1f24" strokeWidth={2} />
        <text x={CX} y={CY + 5 - ((hubLines.length - 1) * 15) / 2} textAnchor="middle" fontSize={12} fontWeight={700} fill="#1b1f24">
          {hubLines.map((line, i) => (
            <tspan key={i} x={CX} dy={i === 0 ? 0 : 15}>
              {line}
            </tspan>
          ))}
        </text>
        {placed.map((n, i) => {
          const cos = Math.cos(n.angle);
          const sin = Math.sin(n.angle);
          const x = CX + cos * RING;
          const y = CY + sin * RING;
          const lx = CX + cos * (RING + NODE + 10);
          const ly = CY + sin * (RING + NODE + 10) + (sin > 0.3 ? 10 : sin < -0.3 ? -4 : 4);
          const anchor = cos > 0.2 ? "start" : cos < -0.2 ? "end" : "middle";
          const lines = wrap(n.name, 20, 2);
          return (
            <Fragment key={`node-${i}`}>
              <Shape kind={n.kind} x={x} y={y} r={NODE} remote={n.host !== null} />
              <text x={lx} y={ly - (sin < -0.3 ? (lines.length - 1) * 15 + (n.host ? 14 : 0) : 0)} textAnchor={anchor} fontSize={13} fill="#1b1f24">
                {lines.map((line, j) => (
                  <tspan key={j} x={lx} dy={j === 0 ? 0 : 15}>
                    {line}
                  </tspan>
                ))}
                {n.host ? (
                  <tspan x={lx} dy={14} fontSize={11} fill="#4a5562">
                    {clip(`on ${n.host}`, 26)}
                  </tspan>
                ) : null}
              </text>
            </Fragment>
          );
        })}
        {othersText ? (
          <text x={CX} y={H - 12} textAnchor="middle" fontSize={12} fill="#4a5562">
            {othersText}
          </text>
        ) : null}
      </svg>
      <figcaption id={`${id}-caption`}>
        <p className="small muted network-legend" aria-hidden="true">
          {KIND_ORDER.map((kind) => (
            <span key={kind} className="legend-item">
              <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
                <Shape kind={kind} x={8} y={8} r={7} remote={false} />
              </svg>{" "}
              {KIND_LABELS[kind]}
            </span>
          ))}
          <span className="legend-item">Double ring: another instance</span>
          <span className="legend-item">Dashed arrow: for an earlier version</span>
        </p>
        <p className="visually-hidden">{`Who vouches for ${network.badgeName}, by kind:`}</p>
        <ul className="network-list small">
          {byKind.map((g) => (
            <li key={g.kind}>
              <strong>{KIND_LABELS[g.kind]}</strong>:{" "}
              {g.nodes.map((n, i) => (
                <span key={`${n.handle}@${n.host ?? ""}`}>
                  {i > 0 ? ", " : null}
                  {n.name}
                  {n.host ? ` (on ${n.host})` : null}
                  {n.isCurrent ? null : " (for an earlier version)"}
                </span>
              ))}
            </li>
          ))}
          {othersText ? <li>{othersText}</li> : null}
        </ul>
      </figcaption>
    </figure>
  );
}
