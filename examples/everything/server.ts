// `PORT=3000 npx ts-node --transpile-only examples/everything/server.ts` serves the conformance
// suite's "everything" server at http://127.0.0.1:3000/mcp (stateful Streamable HTTP, no auth).
import { createEverythingServer } from './everything-server';

const mcp = createEverythingServer();
mcp
  .listen({ transport: 'http', host: '127.0.0.1', port: Number(process.env.PORT ?? 3000), path: '/mcp', retryInterval: 500 })
  .then(
    ({ url }) => {
      console.log(`MCP everything server listening on ${url}`);
      const stop = () => void mcp.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
