{#- What a file name or path says about an image (policy R1), and label text normalisation. -#}

{% macro split_from_file_name(path_expr) -%}
    {#- ImageNet file-name patterns, applied to the last path segment only. -#}
    case
        when {{ regex_matches(path_expr, '(^|/)ILSVRC2012_val_[0-9]{8}[^/]*$') }} then 'val'
        when {{ regex_matches(path_expr, '(^|/)ILSVRC2012_test_[0-9]+[^/]*$') }} then 'test'
        when {{ regex_matches(path_expr, '(^|/)n[0-9]{8}_[0-9]+[^/]*$') }} then 'train'
    end
{%- endmacro %}


{% macro split_from_path_segment(path_expr) -%}
    {#- A whole directory segment equal to a split name; never a substring ("interval", "eval/"). -#}
    case
        when {{ regex_matches('lower(' ~ path_expr ~ ')', '(^|/)(val|validation)/') }} then 'val'
        when {{ regex_matches('lower(' ~ path_expr ~ ')', '(^|/)train/') }} then 'train'
        when {{ regex_matches('lower(' ~ path_expr ~ ')', '(^|/)test/') }} then 'test'
    end
{%- endmacro %}


{% macro normalized_split(value_expr) -%}
    {#- Split names as users write them; anything else is not a split. -#}
    case lower(trim({{ value_expr }}))
        when 'train' then 'train'
        when 'training' then 'train'
        when 'val' then 'val'
        when 'valid' then 'val'
        when 'validation' then 'val'
        when 'test' then 'test'
    end
{%- endmacro %}


{% macro label_key(value_expr) -%}
    {#- Names match whatever their case, underscores or spacing (garden_spider = Garden spider). -#}
    trim(replace(lower({{ value_expr }}), '_', ' '))
{%- endmacro %}


{% macro dataset_path(path_expr) -%}
    {#- A dataset-relative path: forward slashes, no leading ./ or /, the VL prefix removed.
        The regular expressions run only on paths that need them (a manifest has millions). -#}
    {%- set prefix = var('vl_path_prefix') -%}
    case
        when {{ dbt.position('chr(92)', path_expr) }} > 0
            or substr({{ path_expr }}, 1, 1) in ('.', '/', ' ')
            or substr({{ path_expr }}, length({{ path_expr }}), 1) = ' '
            {%- if prefix %}
            or substr({{ path_expr }}, 1, {{ prefix | length }}) = '{{ prefix }}'
            {%- endif %}
        then {{ regex_replace(
            regex_replace("replace(trim(" ~ path_expr ~ "), chr(92), '/')", '^(\\./|/)+', ''),
            '^' ~ (prefix | replace('.', '\\.')), ''
        ) }}
        else {{ path_expr }}
    end
{%- endmacro %}


{% macro base_name(path_expr) -%}
    {#- The last path segment (the file name). -#}
    {{ return(adapter.dispatch('base_name', 'vl_clean')(path_expr)) }}
{%- endmacro %}

{% macro default__base_name(path_expr) -%}
    element_at(split({{ path_expr }}, '/'), -1)
{%- endmacro %}

{% macro duckdb__base_name(path_expr) -%}
    {#- split_part is twice as fast as a regular expression over a million paths. -#}
    split_part({{ path_expr }}, '/', -1)
{%- endmacro %}


{% macro label_lookup_key(value_expr) -%}
    {#- The int_class_label_keys key for a label as given: an index (leading zeros dropped),
        or a wnid or name in label_key form. -#}
    case
        when {{ is_number('trim(' ~ value_expr ~ ')') }}
            then cast(cast(trim({{ value_expr }}) as bigint) as {{ dbt.type_string() }})
        else {{ label_key(value_expr) }}
    end
{%- endmacro %}
