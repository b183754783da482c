/**
 * The activity object of Discord's SET_ACTIVITY (only the fields we send).
 * The transport defines what it carries; building one is src/presence's job.
 */
export interface DiscordActivity {
  details?: string;
  state?: string;
  timestamps?: { start?: number; end?: number };
  assets?: { large_image?: string; large_text?: string; small_image?: string; small_text?: string };
  buttons?: Array<{ label: string; url: string }>;
  instance?: boolean;
}
