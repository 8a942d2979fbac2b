// Formatting shared by server and browser renders. Fixed to UTC and one format, so a
// page hydrates without differences between the server's and the reader's locale.
export function formatTime(iso: string | Date): string {
  const d = typeof iso === "string" ? new Date(iso) : iso;
  if (Number.isNaN(d.getTime())) return "";
  return `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}
