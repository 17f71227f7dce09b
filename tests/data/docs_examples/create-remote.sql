-- The CREATE MODEL template of the MaxCompute docs, filled in for a PAI-EAS remote model,
-- with the endpoint masked by the docs' authors.
CREATE MODEL PAI_EAS_Qwen25_Omni_3B WITH VERSION v1
INPUT(data BINARY, promt STRING)
OPTIONS(
    MODEL_SOURCE_TYPE = 'REMOTE',
    MODEL_TYPE = 'MLLM',
    TASKS = 'text-generation',
    PAI_EAS_MODEL_NAME = 'Qwen2.5-Omni-3B',
    PAI_EAS_SERVICE_NAME = 'test_remote_model',
    ENDPOINT = 'http://1*************70.cn-shanghai.pai-eas.aliyuncs.com',
    APIKEY = '<apikey>',
    PAI_EAS_SYNC_MODE = 'true',
    PAI_EAS_SYNC_REQUEST_TIMEOUT = '5000'
)
COMMENT 'PAI EAS remote model binary input';
