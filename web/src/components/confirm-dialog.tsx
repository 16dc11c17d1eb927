import { useRef, useState, type ReactNode } from 'react'
import { describeError } from '../api/api-client.ts'
import { BusyIndicator } from './busy-indicator.tsx'
import { ErrorMessage } from './error-message.tsx'
import { ModalDialog } from './modal-dialog.tsx'

/** Props of {@link ConfirmDialog}. */
export interface ConfirmDialogProps {
  readonly title: string
  readonly children: ReactNode
  /** The button's label, e.g. "Delete port". */
  readonly confirmLabel: string
  /** Shown while `onConfirm` runs, e.g. "Deleting port…". */
  readonly busyLabel: string
  /**
   * Runs the action; a rejection is shown in the dialog, which stays open (to read it, or to try
   * again) until Cancel, Close or Escape.
   */
  readonly onConfirm: () => Promise<void>
  readonly onClose: () => void
}

/** Asks before a destructive action, then runs it with progress and a readable error. */
export function ConfirmDialog(props: ConfirmDialogProps): ReactNode {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | undefined>(undefined)
  const cancel = useRef<HTMLButtonElement>(null)
  const confirm = async (): Promise<void> => {
    setBusy(true)
    setError(undefined)
    try {
      await props.onConfirm()
    } catch (e) {
      setError(describeError(e))
      setBusy(false)
      // NOTE: the confirm button lost focus while disabled; Cancel is the likely next step.
      cancel.current?.focus()
    }
  }
  return (
    <ModalDialog title={props.title} onClose={props.onClose}>
      <div className="dialog-body">{props.children}</div>
      <ErrorMessage message={error} />
      {busy ? <BusyIndicator label={props.busyLabel} /> : null}
      <footer className="dialog-actions">
        <button type="button" ref={cancel} onClick={props.onClose} data-autofocus>
          Cancel
        </button>
        <button
          type="button"
          className="danger"
          disabled={busy}
          onClick={() => {
            void confirm()
          }}
        >
          {props.confirmLabel}
        </button>
      </footer>
    </ModalDialog>
  )
}
