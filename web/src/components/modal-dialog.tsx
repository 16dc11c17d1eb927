import { useEffect, useId, useRef, type ReactNode } from 'react'

/** Props of {@link ModalDialog}. */
export interface ModalDialogProps {
  readonly title: string
  /** Called on Escape or a close button; the parent unmounts the dialog. */
  readonly onClose: () => void
  readonly children: ReactNode
  readonly wide?: boolean
}

/**
 * A modal dialog on the native `<dialog>`: focus moves into it (to the element marked
 * `data-autofocus`, else its first field), stays inside while open (the rest of the page is
 * inert), Escape closes it, and focus returns to the element that opened it.
 */
export function ModalDialog({ title, onClose, children, wide }: ModalDialogProps): ReactNode {
  const ref = useRef<HTMLDialogElement>(null)
  const titleId = useId()
  useEffect(() => {
    const dialog = ref.current
    const opener = document.activeElement
    if (dialog !== null && !dialog.open) {
      dialog.showModal()
      // NOTE: React does not render `autofocus`, and the dialog's own choice would be its first
      // button (Close); the first field is where the user wants to be.
      const target =
        dialog.querySelector<HTMLElement>('[data-autofocus]') ??
        dialog.querySelector<HTMLElement>('.dialog-body :is(input, select, textarea, button)')
      target?.focus()
    }
    return () => {
      if (dialog?.open === true) dialog.close()
      // NOTE: the opener may be gone (e.g. a row deleted meanwhile); then focus stays put.
      if (opener instanceof HTMLElement && opener.isConnected) opener.focus()
    }
  }, [])
  return (
    <dialog
      ref={ref}
      className={wide === true ? 'dialog dialog-wide' : 'dialog'}
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault()
        onClose()
      }}
    >
      <header className="dialog-header">
        <h2 id={titleId}>{title}</h2>
        <button type="button" className="icon-button" aria-label="Close" onClick={onClose}>
          ×
        </button>
      </header>
      {children}
    </dialog>
  )
}
