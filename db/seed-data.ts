// The demo network loaded by `npm run seed` (and on the first instance of `npm run demo`):
// three organisations of different kinds co-authoring "Social Innovation 101" and badges
// that build on it, and others (a college, a cooperative bank, a community garden)
// endorsing them. The demo's second instance gets the network in seed-data-riverside.ts.
import type { ApprovalPolicy, OrganisationKind, PathwayApprovalPolicy, Role } from "./schema";
import type { BadgeContent } from "../app/services/badge-content";

export const DEMO_PASSWORD = "badge-commons-demo";

export interface DemoAccount {
  key: string;
  email: string;
  name: string;
  about: string;
}

export interface DemoOrganisation {
  handle: string;
  name: string;
  kind: OrganisationKind;
  description: string;
  website: string;
  owner: string;
  members: Array<[string, Role]>;
}

/** People, their organisations and badges: one instance's worth of demo data. */
export interface DemoNetwork {
  accounts: readonly DemoAccount[];
  organisations: DemoOrganisation[];
  badges: DemoBadge[];
  endorsements?: DemoEndorsement[];
  pathways?: DemoPathway[];
  learners?: DemoLearner[];
}

/**
 * A pathway the network publishes. Steps and the goal are badge keys; a key the network
 * does not have names a badge of the other demo instance: `npm run seed` alone leaves that
 * step out (and any stage or route left empty), `npm run demo` adds it as version 2 once
 * the instances follow each other.
 */
export interface DemoPathway {
  steward: string;
  coauthors: string[];
  policy: PathwayApprovalPolicy;
  name: string;
  summary: string;
  goal: string;
  steps: Array<[key: string, guidance: string]>;
  routes: Array<{ name: string; stages: Array<{ steps: string[]; required?: number }> }>;
}

/** A learner part-way along: badges (by key) they hold, self-declared, and badges they plan to earn. */
export interface DemoLearner {
  account: string;
  holds: string[];
  plans: string[];
}

export const ACCOUNTS = [
  { key: "amara", email: "amara@changemakers.example", name: "Amara Okafor", about: "owner of Changemakers Network (nonprofit)" },
  { key: "ben", email: "ben@acme.example", name: "Ben Larsen", about: "owner of Acme Ventures (business)" },
  { key: "chen", email: "chen@northside.example", name: "Chen Wei", about: "owner of Northside School (school)" },
  { key: "dana", email: "dana@changemakers.example", name: "Dana Ruiz", about: "editor at Changemakers Network" },
  { key: "eli", email: "eli@acme.example", name: "Eli Novak", about: "editor at Acme Ventures" },
  { key: "farah", email: "farah@northside.example", name: "Farah Haddad", about: "editor at Northside School" },
  { key: "lee", email: "lee@learner.example", name: "Lee Park", about: "a learner, no organisation" },
  { key: "hana", email: "hana@harbour.example", name: "Hana Sato", about: "owner of Harbour College (school)" },
  { key: "gus", email: "gus@greenleaf.example", name: "Gus Mbeki", about: "owner of Greenleaf Cooperative Bank (business)" },
  { key: "rosa", email: "rosa@riverside.example", name: "Rosa Lind", about: "owner of Riverside Community Garden (community)" },
] as const;

export const ORGANISATIONS: DemoOrganisation[] = [
  {
    handle: "changemakers",
    name: "Changemakers Network",
    kind: "nonprofit",
    description: "A network of social entrepreneurs and community organisers across three cities.",
    website: "https://changemakers.example",
    owner: "amara",
    members: [["dana", "editor"]],
  },
  {
    handle: "acme",
    name: "Acme Ventures",
    kind: "business",
    description: "Impact investors who hire for social-innovation skills and co-teach social finance.",
    website: "https://acme.example",
    owner: "ben",
    members: [["eli", "editor"]],
  },
  {
    handle: "northside",
    name: "Northside School",
    kind: "school",
    description: "A secondary school running project-based learning with local partners.",
    website: "https://northside.example",
    owner: "chen",
    members: [["farah", "editor"]],
  },
  {
    handle: "harbour",
    name: "Harbour College",
    kind: "school",
    description: "A further-education college with courses in social enterprise and community work.",
    website: "https://harbour.example",
    owner: "hana",
    members: [],
  },
  {
    handle: "greenleaf",
    name: "Greenleaf Cooperative Bank",
    kind: "business",
    description: "A member-owned bank lending to community businesses.",
    website: "https://greenleaf.example",
    owner: "gus",
    members: [],
  },
  {
    handle: "riverside",
    name: "Riverside Community Garden",
    kind: "community",
    description: "Neighbours growing food together and teaching others how.",
    website: "https://riverside.example",
    owner: "rosa",
    members: [],
  },
];

export interface DemoBadge {
  key: string;
  steward: string;
  coauthors: string[];
  policy: ApprovalPolicy;
  state: "published" | "draft" | "deprecated";
  content: Partial<BadgeContent>;
  // When set, the first revision has this criteria and a later one the final text (history to look at).
  firstCriteria?: string;
  laterEdits?: Array<[string, Partial<BadgeContent>]>;
  // Keys of badges loaded before this one, all required, or conditions over such keys; a
  // key the network does not have is looked up by the caller (the demo names a badge of
  // the other instance this way).
  prerequisites?: string[] | { requiredNumber: number; keys: string[] }[];
  // How many author organisations (steward first) approve; for drafts mid-approval.
  approvedBy?: number;
  secondVersion?: Partial<BadgeContent>;
  comments?: Array<[string, string]>;
  successor?: string;
  // The steward reviews endorsements by hand instead of accepting them automatically.
  reviewEndorsements?: boolean;
}

const SDG = "UN Sustainable Development Goals";

export const BADGES: DemoBadge[] = [
  {
    key: "si101",
    steward: "changemakers",
    coauthors: ["acme", "northside"],
    policy: "all",
    state: "published",
    content: {
      name: "Social Innovation 101",
      summary: "Spot a social problem, understand it with the people who live it, and test a first solution.",
      criteria:
        "## What you do\n\n1. **Interview** at least five people affected by a problem in your community.\n2. Write a one-page *problem statement* with their words in it.\n3. Prototype one solution and test it with three of them.\n4. Reflect: what did you learn, what would you change?\n\nEvidence: the problem statement, photos or notes of the prototype, and a 300-word reflection.",
      tags: ["social innovation", "design thinking", "community"],
      alignments: [{ targetName: "Goal 11: Sustainable cities and communities", targetUrl: "https://sdgs.un.org/goals/goal11", targetFramework: SDG }],
      achievementType: "MicroCredential",
      language: "en",
      estimatedHours: 20,
    },
    firstCriteria: "1. Interview people affected by a problem.\n2. Prototype a solution.",
    laterEdits: [
      ["eli", { summary: "Spot a social problem, understand it with the people who live it, and test a first solution that could pay its way." }],
      ["farah", { tags: ["social innovation", "design thinking", "community", "project-based learning"] }],
    ],
    secondVersion: {
      summary: "Spot a social problem, understand it with the people who live it, and test a first solution.",
    },
  },
  {
    key: "toc",
    steward: "changemakers",
    coauthors: ["northside"],
    policy: "all",
    state: "published",
    prerequisites: ["si101"],
    content: {
      name: "Theory of Change",
      summary: "Map how your activities lead to the change you want, and which assumptions must hold.",
      criteria: "- Draw a theory of change from long-term goal back to activities.\n- Name three assumptions and how you would test them.\n- Present it to a partner and record their questions.",
      tags: ["theory of change", "impact measurement"],
      achievementType: "Competency",
      estimatedHours: 12,
    },
  },
  {
    key: "finance",
    steward: "acme",
    coauthors: ["changemakers"],
    policy: "majority",
    state: "published",
    prerequisites: ["si101"],
    content: {
      name: "Social Finance",
      summary: "Build a simple financial model for a social venture and compare funding options.",
      criteria: "1. Build a 12-month budget for a venture.\n2. Compare grants, loans, revenue and community shares for it.\n3. Pitch the mix you chose in five minutes.",
      tags: ["social finance", "entrepreneurship"],
      achievementType: "Badge",
      estimatedHours: 15,
    },
  },
  {
    key: "story",
    steward: "northside",
    coauthors: [],
    policy: "steward",
    state: "published",
    prerequisites: ["si101"],
    content: {
      name: "Storytelling for Change",
      summary: "Tell the story of a social problem and its solution so that people act.",
      criteria: "- Produce a 2-minute video or a 600-word story about a change project.\n- Test it with five people and improve it once.",
      tags: ["storytelling", "communication"],
      achievementType: "Badge",
      estimatedHours: 8,
    },
    comments: [["farah", "Learners asked for an audio option; let's consider it for version 2."]],
  },
  {
    key: "foundations",
    steward: "changemakers",
    coauthors: ["northside"],
    policy: "all",
    state: "published",
    content: {
      name: "Changemaker Foundations",
      summary: "Awarded to people who have framed a social problem, mapped their theory of change and put a first project to work.",
      criteria:
        "Hold Social Innovation 101 and Theory of Change, and one of the applied badges of the Changemaker Foundations pathway.\n\nThen present your project to a panel of two partner organisations and answer their questions.",
      tags: ["social innovation", "changemaking"],
      achievementType: "Certificate",
      estimatedHours: 6,
    },
  },
  {
    key: "green",
    steward: "northside",
    coauthors: ["changemakers"],
    policy: "all",
    state: "published",
    content: {
      name: "Sustainability 101",
      summary: "Measure a footprint, find the biggest lever, and change one habit with others.",
      criteria: "1. Measure the carbon or waste footprint of a place you know.\n2. Find its biggest lever.\n3. Run a four-week change campaign and measure again.",
      tags: ["sustainability", "climate action"],
      alignments: [{ targetName: "Goal 13: Climate action", targetUrl: "https://sdgs.un.org/goals/goal13", targetFramework: SDG }],
      achievementType: "MicroCredential",
      estimatedHours: 18,
    },
    reviewEndorsements: true,
  },
  {
    key: "greenbasics",
    steward: "northside",
    coauthors: [],
    policy: "steward",
    state: "deprecated",
    successor: "green",
    content: {
      name: "Green Basics",
      summary: "An early environmental badge, replaced by Sustainability 101.",
      criteria: "Complete the school's recycling audit.",
      tags: ["sustainability"],
      achievementType: "Badge",
      estimatedHours: 4,
    },
  },
  {
    key: "impact",
    steward: "changemakers",
    coauthors: ["acme"],
    policy: "all",
    state: "published",
    // A theory of change, and either the money side or the storytelling side of a venture.
    prerequisites: [
      { requiredNumber: 1, keys: ["toc"] },
      { requiredNumber: 1, keys: ["finance", "story"] },
    ],
    content: {
      name: "Impact Measurement",
      summary: "Choose a few honest measures of the change a project makes, collect them, and report what they show.",
      criteria: "1. Pick three measures from your theory of change.\n2. Collect them for eight weeks with the people involved.\n3. Report what changed, what did not, and what you will do differently.",
      tags: ["impact measurement", "theory of change", "social finance"],
      achievementType: "Competency",
      estimatedHours: 20,
    },
  },
  {
    key: "crowd",
    steward: "acme",
    coauthors: ["changemakers"],
    policy: "all",
    state: "draft",
    // Either way into crowdfunding: the money side or the storytelling side.
    prerequisites: [{ requiredNumber: 1, keys: ["finance", "story"] }],
    approvedBy: 1,
    content: {
      name: "Crowdfunding",
      summary: "Plan and run a small crowdfunding campaign for a community project.",
      criteria: "1. Set a target from a real budget.\n2. Write the campaign page and three updates.\n3. Run it for two weeks and report what you raised and learned.",
      tags: ["crowdfunding", "social finance"],
      achievementType: "Badge",
      estimatedHours: 25,
    },
    comments: [
      ["ben", "Approved on Acme's side. Changemakers, could you check the criteria wording?"],
      ["dana", "Looking at it this week: I'd like a line about donor data protection."],
    ],
  },
  {
    key: "lead",
    steward: "changemakers",
    coauthors: ["acme", "northside"],
    policy: "majority",
    state: "draft",
    prerequisites: ["toc"],
    approvedBy: 1,
    content: {
      name: "Leadership for Social Change",
      summary: "Lead a small team through a change project, sharing decisions and learning from setbacks.",
      criteria: "- Lead a team of three or more for at least six weeks.\n- Hold a retrospective and act on it.\n- Collect feedback from every team member.",
      tags: ["leadership", "teamwork"],
      achievementType: "Competency",
      estimatedHours: 40,
    },
  },
];

export interface DemoEndorsement {
  badge: string;
  // The endorsing organisation's handle; its owner endorses.
  by: string;
  statement: string;
  // Made while version 1 was the latest (before the badge's second version): shown as
  // "for version 1" until renewed.
  atFirstVersion?: boolean;
  // What happened next: the steward accepted (when it reviews by hand) or declined it, or
  // the endorser withdrew it.
  then?: "accepted" | "declined" | "withdrawn";
}

export const ENDORSEMENTS: DemoEndorsement[] = [
  {
    badge: "si101",
    by: "harbour",
    statement: "We run this badge in our social enterprise course: the interviews are where our students learn the most.",
  },
  {
    badge: "si101",
    by: "greenleaf",
    statement: "We lend to community businesses. People who hold this badge come to us with problems worth solving.",
    atFirstVersion: true,
  },
  {
    badge: "si101",
    by: "riverside",
    statement: "Three of our garden's projects started from this badge's interviews.",
  },
  {
    badge: "toc",
    by: "acme",
    statement: "We hire for this skill: a clear theory of change is the first thing we look for in a pitch.",
  },
  {
    badge: "toc",
    by: "harbour",
    statement: "We co-teach this with Changemakers in our evening course.",
  },
  {
    badge: "finance",
    by: "northside",
    statement: "Our older students take this after Social Innovation 101; the budget exercise is excellent.",
  },
  {
    badge: "finance",
    by: "greenleaf",
    statement: "The funding comparison matches how we assess loan applications.",
  },
  {
    badge: "finance",
    by: "harbour",
    statement: "A placeholder we sent too early.",
    then: "declined",
  },
  {
    badge: "story",
    by: "changemakers",
    statement: "Stories made with this badge helped our members win two local grants.",
  },
  {
    badge: "story",
    by: "acme",
    statement: "We ask founders for exactly this: two minutes that make people act.",
  },
  {
    badge: "green",
    by: "riverside",
    statement: "Our compost campaign was a Sustainability 101 project; we vouch for it.",
    then: "accepted",
  },
  {
    badge: "green",
    by: "greenleaf",
    statement: "Footprint measurement is part of our green loan checks.",
  },
  {
    badge: "green",
    by: "acme",
    statement: "We sponsor this badge's campaigns.",
    then: "withdrawn",
  },
];

export const PATHWAYS: DemoPathway[] = [
  {
    steward: "changemakers",
    coauthors: ["northside"],
    policy: "all",
    name: "Changemaker Foundations",
    summary:
      "From spotting a social problem to running a first project with your community. Start with Social Innovation 101 and Theory of Change, then put them to work in one of three ways.",
    goal: "foundations",
    steps: [
      ["si101", "Start here. The interviews teach you to see a problem through the eyes of the people who live it; take your time with them."],
      ["toc", "Map how your project leads to change. Bring the problem statement from Social Innovation 101: it is your starting point."],
      ["finance", "Choose this if your project needs money to run: you will compare grants, loans and community shares."],
      ["story", "Choose this if your project needs people to act: a short story tested with five people."],
      // A badge of the demo's other instance (Riverside Library).
      ["archive", "Choose this if your project keeps a community's memory: offered by Riverside Library, on another instance."],
    ],
    routes: [
      { name: "Foundations", stages: [{ steps: ["si101"] }, { steps: ["toc"] }, { steps: ["finance", "story", "archive"], required: 1 }] },
    ],
  },
];
// Lee holds Social Innovation 101 and Storytelling for Change and plans Impact Measurement:
// their pages show that progress, and "what I can earn next" has Theory of Change (on the
// way to the plan) and Social Finance.
export const LEARNERS: DemoLearner[] = [{ account: "lee", holds: ["si101", "story"], plans: ["impact"] }];

export const DEMO_NETWORK: DemoNetwork = {
  accounts: ACCOUNTS,
  organisations: ORGANISATIONS,
  badges: BADGES,
  endorsements: ENDORSEMENTS,
  pathways: PATHWAYS,
  learners: LEARNERS,
};
