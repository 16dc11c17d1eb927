import type { ReactNode } from 'react'

/** Props of {@link BusyIndicator}. */
export interface BusyIndicatorProps {
  /** What is happening, e.g. "Creating subnet…". */
  readonly label: string
  /** Done and total steps when known (a determinate bar), else an indeterminate one. */
  readonly value?: number | undefined
  readonly max?: number | undefined
}

/** Progress of a long operation, announced politely to screen readers. */
export function BusyIndicator({ label, value, max }: BusyIndicatorProps): ReactNode {
  return (
    <div className="busy" role="status" aria-live="polite">
      {value !== undefined && max !== undefined && max > 0 ? (
        <progress value={value} max={max} aria-label={label} />
      ) : (
        <progress aria-label={label} />
      )}
      <span>{label}</span>
    </div>
  )
}
