// Starts the Cosmos DB emulator (@vercel/cosmosdb-server) over HTTPS with its self-signed
// certificate, with one fix: a point read of a document that does not exist crashes the emulator's
// handler (500 "Cannot read properties of undefined") where Cosmos DB answers 404 NotFound.
// Usage: node cosmos-emulator.js REPO_ROOT PORT HOST
"use strict";
const path = require("path");
const [root, port, host] = process.argv.slice(2);
const lib = path.join(root, "node_modules", "@vercel", "cosmosdb-server", "lib");

// Patch before the routes table (which captures the handlers) is loaded.
const readDocument = require(path.join(lib, "handler", "read-document"));
const original = readDocument.default;
readDocument.default = (account, req, res, params) => {
  try {
    return original(account, req, res, params);
  } catch (error) {
    if (error instanceof TypeError) {
      res.statusCode = 404;
      return { code: "NotFound", message: "Entity with the specified id does not exist in the system." };
    }
    throw error;
  }
};

const { createHttpsServer } = require(lib);
const server = createHttpsServer().listen(Number(port), host, () => {
  console.log(`Ready to accept HTTPS connections at ${host}:${server.address().port}`);
});
