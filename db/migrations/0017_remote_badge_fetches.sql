CREATE TABLE `remote_badge_fetches` (
	`badge_id` text PRIMARY KEY NOT NULL,
	`fetched_at` integer NOT NULL,
	`checked_at` integer NOT NULL,
	`next_check_at` integer NOT NULL,
	`gone_since` integer,
	`gone_checks` integer DEFAULT 0 NOT NULL,
	`failures` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	FOREIGN KEY (`badge_id`) REFERENCES `badges`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `remote_badge_fetches_due_idx` ON `remote_badge_fetches` (`next_check_at`);--> statement-breakpoint
CREATE TABLE `remote_badge_refresh_passes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer NOT NULL,
	`checked` integer NOT NULL,
	`refreshed` integer NOT NULL,
	`restored` integer NOT NULL,
	`gone` integer NOT NULL,
	`failed` integer NOT NULL
);
--> statement-breakpoint
-- Hand-written from here (drizzle-kit made the above): remote badges already held because
-- something here names them (a prerequisite or a pathway's goal or step) and whose steward
-- no organisation here follows, i.e. what look-ups fetched. Their last fetch is taken to
-- be their last change here; they come due once that is a day old (the default). A copy
-- withdrawn before this, with no Delete to tell it from a "gone" answer, is re-checked at
-- the slow rate like one found gone: its home answers 410 if its steward withdrew it.
INSERT INTO `remote_badge_fetches` (`badge_id`, `fetched_at`, `checked_at`, `next_check_at`, `gone_since`, `gone_checks`)
SELECT b.`id`, b.`updated_at`, b.`updated_at`, b.`updated_at` + 86400000,
  CASE WHEN b.`status` = 'withdrawn' THEN b.`updated_at` END,
  CASE WHEN b.`status` = 'withdrawn' THEN 1 ELSE 0 END
FROM `badges` b JOIN `organisations` o ON o.`id` = b.`steward_organisation_id`
WHERE o.`host` IS NOT NULL AND b.`latest_version_id` IS NOT NULL
  AND (EXISTS (SELECT 1 FROM `prerequisite_edges` e WHERE e.`prerequisite_uri` = b.`uri`)
    OR EXISTS (SELECT 1 FROM `pathway_badges` p WHERE p.`badge_uri` = b.`uri`))
  AND NOT EXISTS (SELECT 1 FROM `follows` f WHERE f.`following_uri` = o.`uri` AND f.`status` = 'accepted');
