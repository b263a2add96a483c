# Two commands: `make run` starts the whole service, `make test` runs the test suite.
# Both install what they need first (see scripts/bootstrap.sh).
.PHONY: run test lint format bench load db-start db-stop messages

run:
	@bash scripts/run.sh

test:
	@bash scripts/test.sh $(ARGS)

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

format:
	.venv/bin/ruff check --fix . && .venv/bin/ruff format .

bench:
	@bash scripts/bench.sh $(ARGS)

load:
	@bash scripts/load.sh $(ARGS)

db-start:
	@bash scripts/pg.sh start

db-stop:
	@bash scripts/pg.sh stop

messages:
	POMOC_ENV=development .venv/bin/python manage.py makemessages -l cs -l uk -l en --ignore=.venv --ignore=var
