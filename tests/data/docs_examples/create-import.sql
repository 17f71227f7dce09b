-- The CREATE MODEL template of the MaxCompute docs, filled in for an imported XGBoost model,
-- with the account id masked by the docs' authors.
CREATE MODEL test_xgboost_classifier WITH VERSION v1
INPUT(f1 BIGINT, f2 BIGINT, f3 BIGINT, f4 BIGINT)
OPTIONS(
    MODEL_SOURCE_TYPE = 'IMPORT',
    MODEL_TYPE = 'BOOSTED_TREE_CLASSIFIER',
    LOCATION = 'oss://oss-cn-shanghai-internal.aliyuncs.com/test-mode-bucket/',
    ROLEARN = 'acs:ram::139******728:role/aliyunodpsdefaultrole'
)
COMMENT 'Import XGBoost model v1';
