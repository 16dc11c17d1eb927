import pino, { type Logger } from 'pino'

/**
 * The service's logger: JSON lines on stdout. Secrets are redacted wherever they appear under
 * the usual names, so a log line never carries a password or token.
 */
export function createLogger(debug: boolean): Logger {
  return pino({
    level: debug ? 'debug' : 'info',
    base: { pid: process.pid },
    redact: {
      paths: [
        'password',
        '*.password',
        'token',
        '*.token',
        'headers["x-auth-token"]',
        'req.headers["x-auth-token"]',
        'req.headers.authorization',
      ],
      censor: '***',
    },
  })
}
