// `npm start`: a NextMCP server behind OAuth, an embedded issuer, and the official MCP SDK client.
import { runQuickstart } from './quickstart';

runQuickstart().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
