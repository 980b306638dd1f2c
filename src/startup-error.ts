/** A mistake in how the server is put together: thrown at registration or start-up, never per request. */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}
