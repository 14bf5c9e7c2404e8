"""Server-rendered pages: templating, the shared layout, components and static assets."""
