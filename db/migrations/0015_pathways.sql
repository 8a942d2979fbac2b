CREATE TABLE `pathway_approvals` (
	`pathway_id` text NOT NULL,
	`revision_id` text NOT NULL,
	`organisation_id` text NOT NULL,
	`user_id` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	PRIMARY KEY(`revision_id`, `organisation_id`),
	FOREIGN KEY (`pathway_id`) REFERENCES `pathways`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`revision_id`) REFERENCES `pathway_revisions`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE TABLE `pathway_badges` (
	`pathway_id` text NOT NULL,
	`badge_uri` text NOT NULL,
	`role` text NOT NULL,
	PRIMARY KEY(`pathway_id`, `badge_uri`),
	FOREIGN KEY (`pathway_id`) REFERENCES `pathways`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `pathway_badges_badge_idx` ON `pathway_badges` (`badge_uri`);--> statement-breakpoint
CREATE TABLE `pathway_coauthors` (
	`pathway_id` text NOT NULL,
	`organisation_id` text NOT NULL,
	`status` text DEFAULT 'invited' NOT NULL,
	`invited_by_user_id` text,
	`responded_by_user_id` text,
	`responded_at` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	PRIMARY KEY(`pathway_id`, `organisation_id`),
	FOREIGN KEY (`pathway_id`) REFERENCES `pathways`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`invited_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`responded_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `pathway_coauthors_org_idx` ON `pathway_coauthors` (`organisation_id`);--> statement-breakpoint
CREATE TABLE `pathway_entries` (
	`id` integer PRIMARY KEY NOT NULL,
	`pathway_id` text NOT NULL,
	`version_number` integer NOT NULL,
	`published_at` integer NOT NULL,
	`name` text NOT NULL,
	`summary` text NOT NULL,
	`goal_uri` text NOT NULL,
	`step_count` integer NOT NULL,
	`route_count` integer NOT NULL,
	FOREIGN KEY (`pathway_id`) REFERENCES `pathways`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `pathway_entries_pathway_unique` ON `pathway_entries` (`pathway_id`);--> statement-breakpoint
CREATE INDEX `pathway_entries_published_idx` ON `pathway_entries` (`published_at`);--> statement-breakpoint
CREATE TABLE `pathway_revisions` (
	`id` text PRIMARY KEY NOT NULL,
	`pathway_id` text NOT NULL,
	`number` integer NOT NULL,
	`parent_revision_id` text,
	`content` text NOT NULL,
	`changed_fields` text NOT NULL,
	`author_user_id` text,
	`author_organisation_id` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`pathway_id`) REFERENCES `pathways`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`author_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`author_organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `pathway_revisions_number_unique` ON `pathway_revisions` (`pathway_id`,`number`);--> statement-breakpoint
CREATE TABLE `pathway_versions` (
	`id` text PRIMARY KEY NOT NULL,
	`pathway_id` text NOT NULL,
	`number` integer NOT NULL,
	`uri` text NOT NULL,
	`revision_id` text,
	`content` text NOT NULL,
	`steward_uri` text NOT NULL,
	`coauthor_uris` text NOT NULL,
	`content_hash` text NOT NULL,
	`published_by_user_id` text,
	`published_at` integer NOT NULL,
	FOREIGN KEY (`pathway_id`) REFERENCES `pathways`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`published_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `pathway_versions_number_unique` ON `pathway_versions` (`pathway_id`,`number`);--> statement-breakpoint
CREATE UNIQUE INDEX `pathway_versions_uri_unique` ON `pathway_versions` (`uri`);--> statement-breakpoint
CREATE TABLE `pathways` (
	`id` text PRIMARY KEY NOT NULL,
	`uri` text NOT NULL,
	`steward_organisation_id` text NOT NULL,
	`approval_policy` text DEFAULT 'all' NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`current_revision_id` text,
	`latest_version_id` text,
	`deprecated_at` integer,
	`remote_url` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`steward_organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `pathways_uri_unique` ON `pathways` (`uri`);--> statement-breakpoint
CREATE INDEX `pathways_steward_idx` ON `pathways` (`steward_organisation_id`);--> statement-breakpoint
CREATE INDEX `pathways_status_idx` ON `pathways` (`status`);--> statement-breakpoint
-- Written by hand below this line: drizzle-kit cannot describe FTS5 virtual tables (as in
-- 0001). Full-text search over published pathways: name, summary, and the names of their
-- goal and steps with each step's guidance. pathway-index.server.ts keeps it in step.
CREATE VIRTUAL TABLE `pathway_search` USING fts5(
	pathway_id UNINDEXED,
	name,
	summary,
	steps,
	tokenize = 'unicode61 remove_diacritics 2',
	prefix = '2 3'
);
