// `npm run bench`: the foundation's benchmarks, figures printed (see docs/performance.md).
//   npm run bench                 all of them
//   npm run bench -- catalogue    one of them (catalogue | catalogue-pathways | coediting | endorsements | graph)
import { benchCatalogue } from "./catalogue";
import { benchCataloguePathways } from "./catalogue-pathways";
import { benchCoediting } from "./coediting";
import { benchEndorsements } from "./endorsements";
import { benchGraph } from "./graph";

const only = process.argv[2];
console.log(`Badge Commons benchmarks — Node ${process.version}, ${new Date().toISOString()}`);
if (!only || only === "catalogue") await benchCatalogue(10_000);
if (!only || only === "catalogue-pathways") await benchCataloguePathways(10_000, 2_000);
if (!only || only === "coediting") await benchCoediting(50, 200);
if (!only || only === "endorsements") await benchEndorsements(1000);
if (!only || only === "graph") await benchGraph(Number(process.argv[3] ?? 100_000), Number(process.argv[4] ?? 300_000));
