"""Word lists for the offline engine. `STOPWORDS` are English function words (declared in
shared.concepts, because concept keys drop them at a phrase's edges); `GENERIC` are words
that occur in documentation about anything (boilerplate nouns, generic verbs and adjectives) and so
say nothing about what a document teaches. Both split candidate phrases; neither is ever a key
concept on its own."""
from __future__ import annotations

from shared.concepts import STOPWORDS  # noqa: F401 (re-exported)

GENERIC = frozenset("""
able above add added adding additional allow allows also always another appear approach
available back based basic basically begin below best better bit called case cases certain
change changes check choose chapter click come comes common completely consider contain contains
content contents course create created current default describe described description detail
details different directly do document documentation documents does done doing easily easy
enable end ensure entire especially etc every example examples exist existing explain explained
explains fact feel file find first follow followed following follows found free full fully
further generally get gets getting give given gives go goes going good great guide handle happen
help helps here high however important include included includes including information instead
introduction item items just keep kind know known large later learn learned learning least let
like likely line lines list look looks lot lots low made main make makes making manner many mean
means mention mentioned might more most much name named need needed needs new next nice note notes
now number numerous often old one ones open option options order other otherwise overview page
pages paragraph part particular parts people place point possible pretty previous probably
process provide provided provides put quick quickly rather read ready real really reason refer
related relevant remember required requires result right run runs said same say says second
section sections see seen set sets show shown shows side similar simple simply since small so
some something soon specific start started step steps still stuff sure take takes tell text
thing things think third time times tip tips title today top topic topics try turn two type
types understand use used useful user users uses using usually value various version want wants
way ways well whole within word words work works working write written yes
license licence features prerequisites parameters returns raises attributes methods docs
changelog faq question questions frequently asked readme unreleased fixed added removed
deprecated tutorial tutorials advanced notable todo intro beginner beginners welcome thanks
older newer larger smaller faster slower higher lower longer shorter bigger greater earlier
easier harder worse
""".split()) - {"change", "changes", "process", "version", "order", "line", "lines", "high",
                 "low", "topic", "topics"}

# Verbs that open an instruction ("Install the CLI", "Configure TLS"): how-to cues and the seed
# of learning objectives. Deliberately excludes "see", "note", "click", "ignore" and the like.
IMPERATIVE_VERBS = frozenset("""
activate add adjust allocate analyse analyze apply attach authenticate authorize automate avoid
back benchmark bind boot build bundle cache call change check choose clean clear clone commit
compare compile compose compute configure connect consume containerize convert copy create
customise customize debug declare decode define delete deploy design detect disable download
drain edit enable encode encrypt ensure enter establish evaluate execute explore export extend
extract fetch filter find fix fork format generate grant handle implement import increase index
initialise initialize inspect install integrate invoke launch link lint list load log login
manage map measure merge migrate mock modify monitor mount move navigate observe obtain open
optimise optimize override package parse partition patch pick pin plan plot populate prepare
print profile provision publish pull push query read rebuild receive record reduce refactor
register reload remove rename render replace replicate report request reset resolve restart
restore restrict retrieve retry return review revoke roll rotate run save scale schedule scrape
secure select send serialize serve set setup share ship shut sign specify split start stop store
stream subscribe switch sync tag test track train transform trigger troubleshoot tune turn
uninstall unpack update upgrade upload use validate verify view visualise visualize wait watch
wrap write
""".split())
