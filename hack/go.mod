module github.com/ambientkit/ambientkit/hack

go 1.26.0

require (
	github.com/ambientkit/ambientkit v0.0.0
	github.com/google/go-cmp v0.7.0
	gopkg.in/yaml.v3 v3.0.1
)

replace github.com/ambientkit/ambientkit => ../
