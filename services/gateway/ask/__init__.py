"""Ask the course (issue 47): a learner's question answered from the course's own sources, each
answer citing the sections it quotes or rests on. `sections.py` cuts documents into cited sections,
`index.py` keeps them searchable in PostgreSQL, `retrieve.py` finds the relevant ones,
`extractive.py` answers by quoting them (the offline default), `written.py` has a model write the
answer from them and `support.py` removes what the cited passages do not support."""
