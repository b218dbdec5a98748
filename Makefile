# The tutorial's commands. `make` alone lists them.

CHAPTERS := ch1-blocking ch2-loop ch3-epoll-lt ch4-epoll-et ch5-tcpcork ch6-nodelay
MODULES  := $(CHAPTERS) tools
SHARED   := sys.go main_other.go harness_test.go server_test.go
CH       ?= 3
ARGS     ?=
chapter   = $(firstword $(wildcard ch$(CH)-*))

.PHONY: help run test check fmt vet sync docs load bench

help: ## list the targets
	@awk -F ':.*## ' '/^[a-z-]+:.*## / { printf "  make %-8s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

run: ## run chapter CH (1 to 6; default 3) with ARGS, e.g. make run CH=2 ARGS='-backlog 8'
	@test -n "$(chapter)" || { echo "CH=$(CH): no such chapter (1 to 6)"; exit 2; }
	cd $(chapter) && go run . $(ARGS)

load: ## drive chapter CH with hey (its load.sh; under a minute), e.g. make load CH=2 ARGS=c10k
	@test -n "$(chapter)" || { echo "CH=$(CH): no such chapter (1 to 6)"; exit 2; }
	./$(chapter)/load.sh $(ARGS)

bench: ## server CPU per request, chapters 2-6 against a C floor and net/http; ARGS="-extra CMD" adds a server
	cd tools && go run ./cmd/load bench $(ARGS)

.PHONY: trace
SCENARIO ?=
DRAW     ?=

trace: ## syscall timelines (strace): all comparisons into docs/; CH=n [SCENARIO=silent|burst|split] one into results/; DRAW=1 only redraws docs/img
	@command -v strace >/dev/null || test "$(DRAW)" = 1 || { echo "strace not found: apt-get install strace"; exit 1; }
	go run ./tools/cmd/trace$(if $(filter 1,$(DRAW)), -draw,$(if $(filter command line,$(origin CH)), -ch $(CH)$(if $(SCENARIO), -scenario $(SCENARIO))))

test: ## race-test every module in the workspace, then each one alone (GOWORK=off)
	go test -race -count=1 work
	@for m in $(MODULES); do \
		echo "GOWORK=off go test $$m"; \
		(cd $$m && GOWORK=off go test -count=1 ./...) || exit 1; \
	done

vet: ## go vet on Linux, and on macOS where the chapters only explain they need Linux
	go vet work
	GOOS=darwin go vet work

check: ## gofmt (lists unformatted files), vet, then test
	@out=$$(gofmt -l $(MODULES)); test -z "$$out" || { echo "gofmt -l:"; echo "$$out"; exit 1; }
	$(MAKE) vet
	$(MAKE) test

fmt: ## gofmt every Go file
	gofmt -w $(MODULES)

docs: ## check the docs against the code; FIX=1 renumbers lines that only moved
	go run ./tools/cmd/docs $(if $(filter 1,$(FIX)),-fix)

.PHONY: exercise
X     ?=
L     ?=
CHECK ?=
RESET ?=
HINT  ?=

exercise: ## exercises: list; X=NAME prepares exercises/NAME, + CHECK=1 grades it, HINT=N, RESET=1; L=zh-CN
	@mkdir -p exercises && go build -o exercises/.exercise ./tools/cmd/exercise
	@./exercises/.exercise $(if $(L),-lang $(L)) $(if $(X),$(if $(filter 1,$(CHECK)),check $(X),$(if $(filter 1,$(RESET)),reset $(X),$(if $(HINT),hint $(X) $(HINT),prepare $(X)))),list)

.PHONY: site serve
ADDR ?= 127.0.0.1:8000

site: ## build the bilingual reading site (notes beside the code) into site/
	go run ./tools/cmd/site -out site

serve: site ## build the site and serve it on this machine (ADDR, default 127.0.0.1:8000)
	go run ./tools/cmd/serve -dir site -addr $(ADDR)

.PHONY: diagrams
diagrams: ## draw the diagrams (docs/diagrams/*.d2, both languages) to SVG in docs/img
	go run ./tools/cmd/diagrams

sync: ## copy the shared files from ch1-blocking to the other chapters
	@for ch in $(filter-out ch1-blocking,$(CHAPTERS)); do \
		for f in $(SHARED); do cp ch1-blocking/$$f $$ch/$$f; done; \
	done
