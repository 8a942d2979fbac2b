ALTER TABLE `images` ADD `source` text DEFAULT 'uploaded' NOT NULL;--> statement-breakpoint
-- Pictures stored before this column existed: the ones default-images.server.ts drew have
-- its exact shape (256-pixel canvas, a "bg-" gradient, white initials in its font stack).
UPDATE `images` SET `source` = 'generated'
WHERE `content_type` = 'image/svg+xml'
  AND CAST(`data` AS TEXT) LIKE '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 256 256" width="256" height="256" role="img"><title>%'
  AND CAST(`data` AS TEXT) LIKE '%<linearGradient id="bg-%'
  AND CAST(`data` AS TEXT) LIKE '%font-family="system-ui, -apple-system, ''Segoe UI'', Roboto, ''Noto Sans'', sans-serif" font-weight="700"%';
