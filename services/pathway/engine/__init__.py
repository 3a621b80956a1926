"""Stage 3: learning pathways. A pure, deterministic engine proposes pathways from the documents'
analyses (`engine.plan_pathways`); `validation` checks a plan (the engine's or an LLM's) against
the analysed documents and repairs what can be repaired without inventing content."""
