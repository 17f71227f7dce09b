-- The models the model-function tests call (tests/e2e/test_functions_*.py).
-- The documented IMPORT classifier of the ML_PREDICT and SHOW MODELS pages: four BIGINT inputs.
CREATE MODEL test_xgboost_classifier WITH VERSION v1
INPUT(f1 BIGINT, f2 BIGINT, f3 BIGINT, f4 BIGINT)
OPTIONS(
    MODEL_SOURCE_TYPE = 'IMPORT',
    MODEL_TYPE = 'BOOSTED_TREE_CLASSIFIER',
    LOCATION = 'oss://oss-cn-shanghai-internal.aliyuncs.com/model-bucket-test/xgboost_classifier_v1/',
    ROLEARN = 'acs:ram::1126123000000000:role/aliyunodpsdefaultrole'
)
COMMENT 'Import XGBoost model v1';
-- A regressor over two DOUBLE and one FLOAT column.
CREATE MODEL demo_regressor WITH VERSION v01
INPUT(x1 DOUBLE, x2 DOUBLE, x3 FLOAT)
OPTIONS(
    MODEL_SOURCE_TYPE = 'IMPORT',
    MODEL_TYPE = 'BOOSTED_TREE_REGRESSOR',
    LOCATION = 'oss://oss-cn-shanghai-internal.aliyuncs.com/model-bucket-test/regressor_v01/',
    ROLEARN = 'acs:ram::1126123000000000:role/aliyunodpsdefaultrole'
);
-- The seed page's REMOTE MLLM: v1 takes BINARY data, v2 (the default) a URL string.
CREATE MODEL PAI_EAS_Qwen25_Omni_3B WITH VERSION v1
INPUT(data BINARY, promt STRING)
OPTIONS(
    MODEL_SOURCE_TYPE = 'REMOTE',
    MODEL_TYPE = 'MLLM',
    TASKS = 'text-generation',
    PAI_EAS_MODEL_NAME = 'Qwen2.5-Omni-3B',
    PAI_EAS_SERVICE_NAME = 'test_remote_model',
    ENDPOINT = 'http://1126123000000000.cn-shanghai.pai-eas.aliyuncs.com',
    APIKEY = 'f094dc7ec96b4e1a9c3d0b2a7e6f5d4c3b2a1908',
    PAI_EAS_SYNC_MODE = 'true'
)
COMMENT 'PAI EAS remote model binary input';
ALTER MODEL PAI_EAS_Qwen25_Omni_3B ADD VERSION v2
INPUT(url STRING, promt STRING)
OPTIONS(
    TASKS = 'text-generation',
    PAI_EAS_MODEL_NAME = 'Qwen2.5-Omni-3B',
    PAI_EAS_SERVICE_NAME = 'test_remote_model',
    ENDPOINT = 'http://1126123000000000.cn-shanghai.pai-eas.aliyuncs.com',
    APIKEY = 'f094dc7ec96b4e1a9c3d0b2a7e6f5d4c3b2a1908',
    PAI_EAS_SYNC_MODE = 'true'
);
ALTER MODEL PAI_EAS_Qwen25_Omni_3B SET DEFAULT_VERSION v2;
-- A REMOTE LLM and a REMOTE embedding model.
CREATE MODEL qwen_chat WITH VERSION v1
OPTIONS(
    MODEL_SOURCE_TYPE = 'REMOTE',
    MODEL_TYPE = 'LLM',
    TASKS = 'chat',
    PAI_EAS_MODEL_NAME = 'Qwen3-8B',
    PAI_EAS_SERVICE_NAME = 'qwen_chat_service',
    ENDPOINT = 'http://1126123000000000.cn-shanghai.pai-eas.aliyuncs.com',
    APIKEY = 'a1b2c3d4e5f60718293a4b5c6d7e8f9001122334',
    PAI_EAS_SYNC_MODE = 'true'
);
CREATE MODEL qwen_embed WITH VERSION v1
OPTIONS(
    MODEL_SOURCE_TYPE = 'REMOTE',
    MODEL_TYPE = 'LLM',
    TASKS = 'sentence-embedding',
    PAI_EAS_MODEL_NAME = 'Qwen3-Embedding-0.6B',
    PAI_EAS_SERVICE_NAME = 'qwen_embed_service',
    ENDPOINT = 'http://1126123000000000.cn-shanghai.pai-eas.aliyuncs.com',
    APIKEY = 'a1b2c3d4e5f60718293a4b5c6d7e8f9001122334',
    PAI_EAS_SYNC_MODE = 'true'
);
