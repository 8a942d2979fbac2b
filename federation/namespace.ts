// The project's JSON-LD extension namespace, shared by Open Badges and ActivityPub documents.
export { BADGE_COMMONS_NS as BC_NS } from "../app/services/open-badges.server";
