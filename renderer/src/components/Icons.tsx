/**
 * Small inline icons. Each carries its meaning in words for screen readers
 * (`label`), or is hidden from them when the text next to it already says it.
 */
type IconProps = { label?: string; className?: string };

function Svg({ label, className, children }: IconProps & { children: React.ReactNode }) {
  return (
    <svg
      className={`icon${className ? ` ${className}` : ''}`}
      viewBox="0 0 16 16"
      width="1em"
      height="1em"
      role={label ? 'img' : undefined}
      aria-label={label}
      aria-hidden={label ? undefined : true}
      focusable="false"
    >
      {label ? <title>{label}</title> : null}
      {children}
    </svg>
  );
}

/** An eye with a stroke through it: kept off Discord. */
export function NotSharedIcon(props: IconProps) {
  return (
    <Svg {...props}>
      <path
        d="M1.5 8s2.4-4.5 6.5-4.5S14.5 8 14.5 8 12.1 12.5 8 12.5 1.5 8 1.5 8z"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.4"
      />
      <circle cx="8" cy="8" r="2" fill="currentColor" />
      <path d="M2.5 13.5l11-11" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
    </Svg>
  );
}

/** A small broadcast mark (a dot with two waves): this session is on Discord now. */
export function OnDiscordIcon(props: IconProps) {
  return (
    <Svg {...props}>
      <circle cx="8" cy="8" r="1.8" fill="currentColor" />
      <path
        d="M5.2 5.2a4 4 0 0 0 0 5.6M10.8 5.2a4 4 0 0 1 0 5.6M3 3a7 7 0 0 0 0 10M13 3a7 7 0 0 1 0 10"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.4"
        strokeLinecap="round"
      />
    </Svg>
  );
}

/** Discord's status: a filled circle. */
export function LiveIcon(props: IconProps) {
  return (
    <Svg {...props}>
      <circle cx="8" cy="8" r="4" fill="currentColor" />
    </Svg>
  );
}
