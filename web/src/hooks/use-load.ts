import { useCallback, useEffect, useState, type DependencyList } from 'react'
import { describeError } from '../api/api-client.ts'

/** The state of something loaded from the API. */
export interface Loaded<T> {
  /** The last loaded value (kept while reloading, so that tables do not flash). */
  readonly data: T | undefined
  /** A readable message when the last load failed. */
  readonly error: string | undefined
  readonly loading: boolean
  /** Loads again (after a change). */
  readonly reload: () => void
}

interface LoadState<T> {
  readonly data: T | undefined
  readonly error: string | undefined
  readonly loading: boolean
}

/**
 * Runs `load` when `deps` change (or on `reload()`), ignoring answers that arrive after a newer
 * load started.
 */
export function useLoad<T>(load: () => Promise<T>, deps: DependencyList): Loaded<T> {
  const [state, setState] = useState<LoadState<T>>({
    data: undefined,
    error: undefined,
    loading: true,
  })
  const [version, setVersion] = useState(0)
  useEffect(() => {
    let live = true
    setState((s) => ({ ...s, loading: true }))
    load().then(
      (data) => {
        if (live) setState({ data, error: undefined, loading: false })
      },
      (e: unknown) => {
        if (live) setState((s) => ({ data: s.data, error: describeError(e), loading: false }))
      },
    )
    return () => {
      live = false
    }
    // NOTE: `load` is a new closure on every render; `deps` say when it means something new.
  }, [...deps, version])
  const reload = useCallback(() => {
    setVersion((v) => v + 1)
  }, [])
  return { ...state, reload }
}
