import type { ReactNode } from 'react'

/** Props of {@link ErrorMessage}. */
export interface ErrorMessageProps {
  /** The readable message (undefined renders nothing). */
  readonly message: string | undefined
  readonly id?: string
  readonly title?: string
  readonly children?: ReactNode
}

/** An error from the API or a check, in words, announced at once to screen readers. */
export function ErrorMessage({ message, id, title, children }: ErrorMessageProps): ReactNode {
  if (message === undefined) return null
  return (
    <div className="error-message" role="alert" id={id}>
      {title === undefined ? null : <strong>{title} </strong>}
      <span>{message}</span>
      {children}
    </div>
  )
}
