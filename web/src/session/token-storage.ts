const KEY = 'xloud.dashboard.token'

/**
 * Where the token is kept between page loads: the tab's session storage, so that it is gone
 * when the tab closes and is never sent anywhere but in the `X-Auth-Token` header.
 */
export const tokenStorage = {
  load(): string | undefined {
    try {
      return window.sessionStorage.getItem(KEY) ?? undefined
    } catch {
      return undefined
    }
  },
  save(token: string): void {
    try {
      window.sessionStorage.setItem(KEY, token)
    } catch {
      // NOTE: storage can be disabled; the session then lasts until reload.
    }
  },
  clear(): void {
    try {
      window.sessionStorage.removeItem(KEY)
    } catch {
      // as above
    }
  },
}
