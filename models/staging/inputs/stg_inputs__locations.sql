{#- The input locations from the vars, resolved against the project directory, so the
    Python inventory model (which cannot read vars or the project path) knows where to look. -#}
{%- set inputs = [
    ('vl_export', 'vl_export_path'),
    ('manifest', 'manifest_path'),
    ('team_clusters', 'team_clusters_path'),
    ('decisions', 'decisions_path'),
    ('findings', 'findings_path'),
    ('team_leaks', 'team_leaks_path'),
    ('fastdup_work', 'fastdup_work_dir'),
    ('vl_issue_list', 'vl_issue_list_path'),
] -%}

{%- set unzip_dir = project_path(invocation_args_dict.get('target_path') or 'target') ~ '/unzipped' %}

with locations as (
    {%- for input_kind, var_name in inputs %}
        {%- set configured = var(var_name) or '' %}
        {%- if not loop.first %}
            union all
        {%- endif %}
        select
            {{ sql_string(input_kind) }} as input_kind,
            {{ sql_string(var_name) }} as var_name,
            {{ sql_string(configured) }} as configured_path,
            {{ sql_string(project_path(configured) if configured else '') }} as resolved_path,
            {{ sql_string(unzip_dir) }} as unzip_dir,
            {{ sql_string(invocation_args_dict.get('project_dir', '.')) }} as project_dir,
            {{ sql_string(vl_export_columns() if input_kind == 'vl_export' else '') }}
                as reader_columns,
            {{ var('json_max_file_mb') * 1048576 }} as max_file_bytes,
            {{ sql_string(policy_var('vl_export_format', ['auto', 'json', 'parquet', 'csv'])) }}
                as vl_export_format
    {%- endfor %}
)

select * from locations
