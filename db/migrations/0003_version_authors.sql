ALTER TABLE `versions` ADD `steward_uri` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `versions` ADD `coauthor_uris` text DEFAULT '[]' NOT NULL;