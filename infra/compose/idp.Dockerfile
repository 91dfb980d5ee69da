# The dev IdP (infra/idp) for the compose demo. Never for production: see docs/dev-idp.md.
FROM node:22-alpine
WORKDIR /idp
COPY infra/idp/package.json infra/idp/package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY infra/idp/ ./
USER node
CMD ["node", "server.mjs"]
