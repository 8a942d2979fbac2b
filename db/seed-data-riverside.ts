// The second instance of `npm run demo`: a library and a college in another town, with
// badges of their own. One of them builds on "Social Innovation 101", stewarded on the
// first instance, so a pathway crosses instances once the two follow each other.
import type { DemoNetwork } from "./seed-data";

export const RIVERSIDE_NETWORK: DemoNetwork = {
  accounts: [
    { key: "rosa", email: "rosa@riverside.example", name: "Rosa Mendes", about: "owner of Riverside Library (community)" },
    { key: "gita", email: "gita@greenfield.example", name: "Gita Rao", about: "owner of Greenfield College (school)" },
    { key: "sam", email: "sam@riverside.example", name: "Sam Kowalski", about: "editor at Riverside Library" },
  ],
  organisations: [
    {
      handle: "riverside",
      name: "Riverside Library",
      kind: "community",
      description: "A public library that runs digital skills clinics and keeps the town's community archive.",
      website: "https://riverside.example",
      owner: "rosa",
      members: [["sam", "editor"]],
    },
    {
      handle: "greenfield",
      name: "Greenfield College",
      kind: "school",
      description: "A further-education college teaching community work and digital media.",
      website: "https://greenfield.example",
      owner: "gita",
      members: [],
    },
  ],
  badges: [
    {
      key: "archive",
      steward: "riverside",
      coauthors: ["greenfield"],
      policy: "all",
      state: "published",
      content: {
        name: "Community Archiving",
        summary: "Collect, describe and preserve the photos, letters and stories of a neighbourhood.",
        criteria:
          "1. Collect at least twenty items from people in your neighbourhood, with their consent.\n2. Describe each one: who, what, when, where.\n3. Store them so they survive: two copies, one off-site.\n\nEvidence: the catalogue of items and the signed consent forms.",
        tags: ["archives", "community", "heritage"],
        achievementType: "Badge",
        language: "en",
        estimatedHours: 16,
      },
    },
    {
      key: "oral",
      steward: "riverside",
      coauthors: [],
      policy: "steward",
      state: "published",
      // "si101" is not in this network: the demo resolves it to the first instance's badge.
      prerequisites: ["archive", "si101"],
      content: {
        name: "Oral History Interviewing",
        summary: "Record a life story so that it can be kept, shared and trusted.",
        criteria: "- Prepare and record a 45-minute interview with an elder of your community.\n- Transcribe it and agree the transcript with them.\n- Deposit it in a community archive.",
        tags: ["oral history", "storytelling", "heritage"],
        achievementType: "Competency",
        estimatedHours: 10,
      },
    },
    {
      key: "digital",
      steward: "greenfield",
      coauthors: ["riverside"],
      policy: "majority",
      state: "published",
      content: {
        name: "Digital Skills Mentor",
        summary: "Help neighbours get online safely: e-mail, video calls, forms and scams.",
        criteria: "1. Run six one-to-one sessions at a library or community centre.\n2. Keep a log of what each person learned.\n3. Teach someone to spot three kinds of scam.",
        tags: ["digital inclusion", "mentoring"],
        achievementType: "MicroCredential",
        estimatedHours: 12,
      },
    },
    {
      key: "ethics",
      steward: "greenfield",
      coauthors: ["riverside"],
      policy: "all",
      state: "draft",
      approvedBy: 1,
      content: {
        name: "Data Ethics for Community Groups",
        summary: "Collect and keep people's data as they would want it kept.",
        criteria: "- Write a one-page data policy for a community group.\n- Run a consent check on one real data set.",
        tags: ["data ethics", "privacy"],
        achievementType: "Badge",
        estimatedHours: 6,
      },
      comments: [["gita", "Approved for Greenfield. Riverside, does this match the archive's consent form?"]],
    },
  ],
};
