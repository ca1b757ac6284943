"""An example project laid out as a package: `flow` imports its electrons from
`steps` with a relative import, and the electrons call the project's `helpers`
module."""
