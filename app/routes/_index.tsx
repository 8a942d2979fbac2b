import type { MetaFunction } from "@remix-run/node";
import { Link } from "@remix-run/react";

export const meta: MetaFunction = () => [
  { title: "Badge Commons — shared badge definitions" },
  { name: "description", content: "Co-author, endorse and federate Open Badges 3.0 badge definitions." },
];

export default function Index() {
  return (
    <section className="hero">
      <h1>Badges written together, trusted across the network</h1>
      <p>
        Nonprofits, businesses and schools co-author shared badge definitions, approve each version together and
        publish them as Open Badges 3.0 achievements that learners can find and stack into pathways.
      </p>
      <p className="row">
        <Link className="button" to="/badges">
          Browse the catalogue
        </Link>
        <Link className="button secondary" to="/signup">
          Start co-authoring
        </Link>
      </p>
    </section>
  );
}
