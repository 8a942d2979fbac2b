// What services announce after a change commits. The realtime layer (app/realtime/)
// implements it to push updates to open pages; services never import socket.io.

export interface RevisionSavedEvent {
  revisionId: string;
  number: number;
  content: unknown;
  authorName: string | null;
  organisationName: string | null;
  // "form": saved by a form post, so open live editors must take the content in.
  source: "form" | "live" | "restore";
}

export interface CommentAddedEvent {
  id: string;
  body: string;
  authorName: string | null;
  organisationName: string | null;
  createdAt: string;
}

export interface BadgeEvents {
  revisionSaved(badgeId: string, event: RevisionSavedEvent): void;
  commentAdded(badgeId: string, event: CommentAddedEvent): void;
  // Approvals, co-authors, publication, deprecation or endorsements (one arrived, was
  // renewed, decided or withdrawn, or the steward's endorsement setting) changed: open
  // pages reload their data.
  badgeChanged(
    badgeId: string,
    what: "approvals" | "coauthors" | "published" | "deprecated" | "withdrawn" | "endorsements",
  ): void;
}

export const noBadgeEvents: BadgeEvents = {
  revisionSaved() {},
  commentAdded() {},
  badgeChanged() {},
};
