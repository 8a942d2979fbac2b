// `npm run bench`: every benchmark of the foundation, figures printed. Needs `npm run build` first
// (it is run by the npm script).
import { benchCatalogue } from "./catalogue";

const only = process.argv[2];
if (!only || only === "catalogue") await benchCatalogue(10_000);
