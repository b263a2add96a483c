# Two commands: `make run` starts the whole service, `make test` runs the test suite.
# Both install what they need first (see scripts/bootstrap.sh).
.PHONY: run dev test lint format bench load db-start db-stop redis-start redis-stop backup restore messages

run:
	@bash scripts/run.sh

# runserver with auto-reload and DEBUG on, for developers.
dev:
	@bash scripts/dev.sh

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

redis-start:
	@bash scripts/redis.sh start

redis-stop:
	@bash scripts/redis.sh stop

# pg_dump (custom format) into var/backups/; `make restore` restores the newest, or FILE=...
backup:
	@bash scripts/backup.sh

restore:
	@bash scripts/restore.sh $(FILE)

messages:
	POMOC_ENV=development .venv/bin/python manage.py makemessages -l cs -l uk -l ru -l pl -l en --ignore=.venv --ignore=var --ignore=tests
