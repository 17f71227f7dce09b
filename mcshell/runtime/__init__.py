"""Running the models that SQL functions call: ML_PREDICT with xgboost, AI_* over OpenAI-compatible HTTP.

Imported lazily, only by a statement that runs a model function: nothing here loads at start-up. This package
imports neither sqlglot, sqlite3 nor prompt_toolkit; xgboost is loaded only when a model file is read.
"""
