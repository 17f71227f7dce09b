-- Example 1 of the ALTER MODEL page, as written.
ALTER MODEL PAI_EAS_Qwen25_Omni_3B ADD VERSION v2
INPUT(url STRING, promt STRING) 
WITH OPTIONS(
    TASKS = 'text-generation',
    PAI_EAS_MODEL_NAME = 'Qwen2.5-Omni-3B',
    PAI_EAS_SERVICE_NAME = 'test_remote_model', 
    ENDPOINT = 'http://11261230********.cn-shanghai.pai-eas.aliyuncs.com',
    APIKEY = '<apikey>', 
    PAI_EAS_SYNC_MODE = 'true'
)
COMMENT "PAI EAS remote model string-url input";
