{#- fastdup's per-image findings, one row per image and finding: `outliers.csv`
    (`from,to,distance`, the lowest similarity per outlier kept, as the controller does),
    `atrain_features.bad.csv` (`index,filename,error_code`: corrupt files) and
    `atrain_stats.csv` (blurry if blur < var blurry_below, dark if mean < var dark_below,
    bright if mean > var bright_above; fastdup's summary() defaults). -#}
{%- set outliers_sql = read_flat_file('fastdup_outliers', 'source_file') -%}
{%- set bad_sql = read_flat_file('fastdup_bad', 'source_file') -%}
{%- set stats_sql = read_flat_file('fastdup_stats', 'source_file') -%}
{%- set _ = source('fastdup', 'outliers') -%}
{%- set _ = source('fastdup', 'bad_files') -%}
{%- set _ = source('fastdup', 'stats') -%}

with
{%- if outliers_sql %}
{%- set columns = input_columns(outliers_sql) %}
outlier_rows as (
    select
        trim(coalesce({{ pick_column(columns, ['filename_outlier', 'filename_from']) }},
            {{ pick_column(columns, ['from', 'outlier']) }})) as image_ref,
        {{ display_path('source_file') }} as evidence_file,
        cast(source_row_number as bigint) as row_number,
        trim({{ pick_column(columns, ['distance']) }}) as score_text
    from {{ outliers_sql }}
),

outliers as (
    select
        image_ref,
        'outliers' as raw_issue_type,
        min(evidence_file) as evidence_file,
        min(row_number) as row_number,
        'distance' as score_field,
        min(score_text) as score_text,
        min(try_cast(score_text as double)) as score
    from outlier_rows
    group by 1
),
{%- endif %}

{%- if bad_sql %}
{%- set columns = input_columns(bad_sql) %}
bad_files as (
    select
        trim(coalesce({{ pick_column(columns, ['filename', 'img_filename']) }},
            {{ pick_column(columns, ['index', 'fastdup_id']) }})) as image_ref,
        'corrupt' as raw_issue_type,
        {{ display_path('source_file') }} as evidence_file,
        cast(source_row_number as bigint) as row_number,
        'error_code' as score_field,
        trim({{ pick_column(columns, ['error_code']) }}) as score_text,
        cast(null as double) as score
    from {{ bad_sql }}
),
{%- endif %}

{%- if stats_sql %}
{%- set columns = input_columns(stats_sql) %}
stats as (
    select
        trim(coalesce({{ pick_column(columns, ['filename', 'img_filename']) }},
            {{ pick_column(columns, ['index', 'fastdup_id']) }})) as image_ref,
        {{ display_path('source_file') }} as evidence_file,
        cast(source_row_number as bigint) as row_number,
        trim({{ pick_column(columns, ['blur']) }}) as blur_text,
        trim({{ pick_column(columns, ['mean']) }}) as mean_text,
        try_cast({{ pick_column(columns, ['blur']) }} as double) as blur,
        try_cast({{ pick_column(columns, ['mean']) }} as double) as mean_intensity
    from {{ stats_sql }}
),

quality as (
    select image_ref, 'blur', evidence_file, row_number, 'blur', blur_text, blur
    from stats where blur < {{ var('blurry_below') }}
    union all
    select image_ref, 'dark', evidence_file, row_number, 'mean', mean_text, mean_intensity
    from stats where mean_intensity < {{ var('dark_below') }}
    union all
    select image_ref, 'bright', evidence_file, row_number, 'mean', mean_text, mean_intensity
    from stats where mean_intensity > {{ var('bright_above') }}
    union all
    {#- A value that is not a number is kept (score null) for the input checks. #}
    select image_ref, 'stats', evidence_file, row_number, 'blur', blur_text, blur
    from stats where blur_text is not null and blur_text != '' and blur is null
    union all
    select image_ref, 'stats', evidence_file, row_number, 'mean', mean_text, mean_intensity
    from stats where mean_text is not null and mean_text != '' and mean_intensity is null
),
{%- endif %}

empty as (
    select
        cast(null as {{ dbt.type_string() }}) as image_ref,
        cast(null as {{ dbt.type_string() }}) as raw_issue_type,
        cast(null as {{ dbt.type_string() }}) as evidence_file,
        cast(null as bigint) as row_number,
        cast(null as {{ dbt.type_string() }}) as score_field,
        cast(null as {{ dbt.type_string() }}) as score_text,
        cast(null as double) as score
    where false
),

unioned as (
    select * from empty
    {%- if outliers_sql %}
    union all
    select * from outliers
    {%- endif %}
    {%- if bad_sql %}
    union all
    select * from bad_files
    {%- endif %}
    {%- if stats_sql %}
    union all
    select * from quality
    {%- endif %}
)

select * from unioned
