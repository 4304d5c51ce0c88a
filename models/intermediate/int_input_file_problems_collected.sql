{{ config(post_hook="{{ stop_on_input_errors(this) }}") }}

{#- The input checks that need only the staged files (records, fields, contradictions
    between files, repeated ids, threshold levels). They run before the million-row
    images model, and any error stops the build here with the file, record and field in
    the message; int_input_problems_collected adds the image- and review-level checks. -#}

with media_items as (
    select * from {{ ref('stg_vl__media_items') }}
),

metadata_items as (
    select * from {{ ref('stg_vl__metadata_items') }}
),

media_deduplicated as (
    select * from {{ ref('int_media_items_deduplicated') }}
),

vl_labels as (
    select * from {{ ref('int_vl_labels_pivoted_to_media') }}
),

manifest as (
    select * from {{ ref('stg_dataset__manifest') }}
),

media_matches as (
    select
        media_id,
        image_id
    from {{ ref('int_media_items_matched_to_images') }}
),

memberships as (
    select
        threshold,
        origin,
        group_key,
        image_id
    from {{ ref('int_duplicate_memberships_unioned') }}
),

fastdup_pairs as (
    select * from {{ ref('stg_fastdup__pairs') }}
),

fastdup_components as (
    select * from {{ ref('stg_fastdup__components') }}
),

fastdup_findings as (
    select * from {{ ref('stg_fastdup__image_findings') }}
),

fastdup_features as (
    select fastdup_index from {{ ref('stg_fastdup__images') }}
),

issue_rows as (
    select * from {{ ref('stg_vl_datasets__issue_rows') }}
),

issue_counts as (
    select * from {{ ref('stg_vl_datasets__issue_counts') }}
),

media_item_problems as (
    select
        'error' as severity,
        'missing_media_id' as check_name,
        export_file as input_file,
        concat('media_items[', cast(item_index as {{ dbt.type_string() }}), ']') as record,
        'media_id' as field,
        coalesce(media_id_json_type, 'missing') as value,
        concat(
            'media_id is required and must be a string ',
            '(a flat file names it as var column_aliases.media_id lists)'
        ) as message,
        cast(null as {{ dbt.type_string() }}) as image_id
    from media_items
    where media_id_json_type is null or media_id_json_type != 'VARCHAR' or media_id = ''
    union all
    select
        'error',
        'missing_file_path',
        export_file,
        concat('media_items[', cast(item_index as {{ dbt.type_string() }}), ']'),
        'file_path',
        coalesce(file_path_json_type, 'missing'),
        'file_path is required and must be a string (a flat file names it as var column_aliases.file_path lists)',
        cast(null as {{ dbt.type_string() }})
    from media_items
    where file_path_json_type is null or file_path_json_type != 'VARCHAR' or file_path = ''
    {#- Descriptive numbers nothing is decided on: unreadable ones are left empty, a warning. #}
    {%- set number_fields = [
        ('height', 'height_px'), ('width', 'width_px'), ('uniqueness_score', 'uniqueness_score')
    ] %}
    {%- for field, typed in number_fields %}
        union all
        select
            'warning',
            'wrong_type_ignored',
            export_file,
            concat('media_items[', cast(item_index as {{ dbt.type_string() }}), ']'),
            '{{ field }}',
            {{ field }}_text,
            '{{ field }} must be a number; it is left empty',
            cast(null as {{ dbt.type_string() }})
        from media_items
        where {{ field }}_text is not null and {{ typed }} is null
    {%- endfor %}
),

{%- set entry_record -%}
    concat('media_items[', cast(item_index as {{ dbt.type_string() }}),
        '].metadata_items[', cast(entry_index as {{ dbt.type_string() }}), ']')
{%- endset %}

metadata_problems as (
    {% for field in ['confidence', 'duplicate_threshold'] %}
        select
            'error',
            'wrong_type',
            export_file,
            {{ entry_record }},
            'properties.{{ field }}',
            {{ field }}_text,
            '{{ field }} must be a number',
            cast(null as {{ dbt.type_string() }})
        from metadata_items
        where {{ field }}_text is not null and {{ field }} is null
        union all
    {% endfor %}
    select
        'error',
        'missing_duplicate_threshold',
        export_file,
        {{ entry_record }},
        'properties.duplicate_threshold',
        duplicate_group_id,
        'a duplicates issue needs its duplicate_threshold level',
        cast(null as {{ dbt.type_string() }})
    from metadata_items
    where duplicate_group_id is not null and duplicate_threshold_text is null
),

export_file_problems as (
    select
        'warning',
        'export_file_without_media_items',
        export_file,
        'media_items',
        'media_items',
        '0',
        'the export file holds no media items; nothing is read from it',
        cast(null as {{ dbt.type_string() }})
    from {{ ref('stg_vl__export_files') }}
    where media_items_in_file = 0
),

contradiction_problems as (
    select
        'error',
        'contradicting_paths',
        first_export_file,
        concat('media_id ', media_id),
        'file_path',
        file_path,
        concat(
            'the same media_id has ', cast(distinct_paths as {{ dbt.type_string() }}),
            ' different file_path values across ', cast(export_files as {{ dbt.type_string() }}),
            ' export files'
        ),
        cast(null as {{ dbt.type_string() }})
    from media_deduplicated
    where distinct_paths > 1
    union all
    select
        'error',
        'contradicting_labels',
        cast(null as {{ dbt.type_string() }}),
        concat('media_id ', media_id),
        'image_label.category_name',
        label_texts,
        'the same media_id carries different ground-truth labels',
        cast(null as {{ dbt.type_string() }})
    from vl_labels
    where distinct_labels > 1
    union all
    select
        'warning',
        'contradicting_split_tags',
        cast(null as {{ dbt.type_string() }}),
        concat('media_id ', media_id),
        'user_tag.tag_name',
        cast(distinct_split_tags as {{ dbt.type_string() }}),
        'the media item is tagged with more than one split; the tags are ignored',
        cast(null as {{ dbt.type_string() }})
    from vl_labels
    where distinct_split_tags > 1
),

{#- A column the header lacks is reported once per file (the rows are then not checked
    one by one for it); the flags are constants, so this costs nothing on a complete header. #}

manifest_column_problems as (
    select distinct
        case when missing_required_columns is not null then 'error' else 'warning' end
            as severity,
        'manifest_missing_column' as check_name,
        manifest_file as input_file,
        'header' as record,
        coalesce(missing_required_columns, missing_optional_columns) as field,
        cast(null as {{ dbt.type_string() }}) as value,
        case when missing_required_columns is not null
                then concat(
                        'the manifest has no such column under any alias of var column_aliases ',
                        '(image_id: {{ column_aliases('image_id') | join(', ') }}; ',
                        'path: {{ column_aliases('image_path') | join(', ') }})'
                    )
            else concat(
                    'the manifest has no such column ',
                    '(split: {{ column_aliases('split') | join(', ') }}; ',
                    'label: {{ column_aliases('label') | join(', ') }}); it is taken from the other inputs'
                )
        end as message,
        cast(null as {{ dbt.type_string() }}) as image_id
    from manifest
    where missing_required_columns is not null or missing_optional_columns is not null
),

{#- count(*) first (a distinct count over millions of paths costs 5 times more); a path
    repeated with its id is a repeated id, reported below. #}

repeated_image_paths as (
    select image_path
    from manifest
    where image_path is not null and image_path != ''
    group by image_path
    having count(*) > 1
),

{#- Count first, then describe only the repeated ids: the manifest has millions of rows. #}

repeated_image_ids as (
    select image_id
    from manifest
    group by image_id
    having count(*) > 1
),

manifest_problems as (
    select
        'error',
        case when image_id is null or image_id = '' then 'missing_image_id'
            else 'missing_image_path'
        end,
        manifest_file,
        concat('row ', cast(row_number as {{ dbt.type_string() }})),
        case when image_id is null or image_id = '' then 'image_id' else 'path' end,
        coalesce(image_id, ''),
        case when image_id is null or image_id = '' then 'every manifest row needs an image id'
            else 'every manifest row needs the image path'
        end,
        cast(null as {{ dbt.type_string() }})
    from manifest
    where missing_required_columns is null
        and (image_id is null or image_id = '' or image_path is null or image_path = '')
    union all
    select
        'error',
        'duplicate_image_path',
        min(manifest.manifest_file),
        concat('rows ', {{ sorted_string_agg('cast(manifest.row_number as ' ~ dbt.type_string() ~ ')', ', ') }}),
        'path',
        manifest.image_path,
        concat(
            'the path is given to more than one image id (',
            {{ sorted_string_agg('manifest.image_id', ', ') }}, '); VL items could not be matched'
        ),
        cast(null as {{ dbt.type_string() }})
    from manifest
    inner join repeated_image_paths on manifest.image_path = repeated_image_paths.image_path
    group by manifest.image_path
    having count(distinct manifest.image_id) > 1
    union all
    select
        'error',
        'duplicate_image_id',
        min(manifest.manifest_file),
        concat('rows ', {{ sorted_string_agg('cast(manifest.row_number as ' ~ dbt.type_string() ~ ')', ', ') }}),
        'image_id',
        manifest.image_id as value,
        'the image id appears on more than one manifest row',
        manifest.image_id
    from manifest
    inner join repeated_image_ids on manifest.image_id = repeated_image_ids.image_id
    group by manifest.image_id
    union all
    select
        'warning',
        'unrecognised_split_value',
        manifest_file,
        concat('row ', cast(row_number as {{ dbt.type_string() }})),
        'split',
        split_text,
        'not a split name (train, val, validation, test); the split is taken from the next R1 source',
        image_id
    from manifest
    where nullif(trim(split_text), '') is not null and {{ normalized_split('split_text') }} is null
),

collision_problems as (
    select
        'error',
        'image_id_collision',
        cast(null as {{ dbt.type_string() }}),
        concat('image ', image_id),
        'media_id',
        {{ sorted_string_agg('media_id', ', ') }},
        'several VL media items are the same dataset image (same path or file name)',
        image_id
    from media_matches
    {#- Items without a path are reported as missing_file_path, not as one image. #}
    where image_id is not null and image_id != ''
    group by image_id
    having count(*) > 1
),

{#- Only the VL export has levels of its own; pairs count at the level they reach. #}

vl_export_level_rows as (
    select count(*) as at_level
    from memberships
    where origin = 'vl_export'
        and {{ threshold_equals('threshold', var('duplicate_threshold')) }}
),

vl_export_rows as (
    select count(*) as all_levels
    from memberships
    where origin = 'vl_export'
),

threshold_problems as (
    select
        'error',
        'threshold_absent',
        cast(null as {{ dbt.type_string() }}),
        'duplicates issues',
        'duplicate_threshold',
        cast({{ var('duplicate_threshold') }} as {{ dbt.type_string() }}),
        'var duplicate_threshold names a level the export does not have',
        cast(null as {{ dbt.type_string() }})
    from vl_export_level_rows
    cross join vl_export_rows
    where vl_export_level_rows.at_level = 0 and vl_export_rows.all_levels > 0
),

single_member_groups as (
    {#- A group of one image is no duplicate (its partners were outside a filtered export,
        or the source's group id is the image's own id, as in Hugging Face's vl-enriched
        tables): counted per source, never clustered. #}
    select
        origin,
        count(*) as groups
    from (
        select
            origin,
            group_key
        from memberships
        where {{ threshold_equals('threshold', var('duplicate_threshold')) }}
        group by origin, group_key
        having count(distinct image_id) = 1
    ) as groups_of_one
    group by origin
),

single_member_group_problems as (
    select
        'warning',
        'single_member_duplicate_groups',
        cast(null as {{ dbt.type_string() }}),
        concat(
            origin, ' duplicate groups at level ',
            cast({{ var('duplicate_threshold') }} as {{ dbt.type_string() }})
        ),
        'duplicate_group_id',
        cast(groups as {{ dbt.type_string() }}),
        concat(
            cast(groups as {{ dbt.type_string() }}),
            ' duplicate groups have a single member (partners outside the export, ',
            'or a group id that is the image''s own id); not clustered'
        ),
        cast(null as {{ dbt.type_string() }})
    from single_member_groups
),

{%- set row_record = "concat('row ', cast(row_number as " ~ dbt.type_string() ~ "))" %}

fastdup_refs as (
    select
        similarity_file as input_file,
        row_number,
        'from' as field,
        from_ref as image_ref
    from fastdup_pairs
    union all
    select
        similarity_file,
        row_number,
        'to',
        to_ref
    from fastdup_pairs
    union all
    select
        components_file,
        row_number,
        '__id',
        image_ref
    from fastdup_components
    union all
    select
        evidence_file,
        row_number,
        'index',
        image_ref
    from fastdup_findings
),

{#- An integer id that atrain_features.dat.csv does not decode: reported once per file and
    field (first row, and how many), not once per row of a ten-million-pair file. #}

fastdup_undecoded as (
    select
        fastdup_refs.*,
        row_number() over (
            partition by fastdup_refs.input_file, fastdup_refs.field
            order by fastdup_refs.row_number
        ) as occurrence,
        count(*) over (partition by fastdup_refs.input_file, fastdup_refs.field) as occurrences
    from fastdup_refs
    left join fastdup_features on fastdup_refs.image_ref = fastdup_features.fastdup_index
    where {{ is_number('fastdup_refs.image_ref') }} and fastdup_features.fastdup_index is null
),

fastdup_problems as (
    select
        'error',
        case when (select count(*) from fastdup_features) = 0
                then 'fastdup_ids_without_map'
            else 'fastdup_unknown_index'
        end,
        input_file,
        concat('row ', cast(row_number as {{ dbt.type_string() }})),
        field,
        image_ref,
        case when (select count(*) from fastdup_features) = 0
                then concat(
                        'integer image ids (', cast(occurrences as {{ dbt.type_string() }}),
                        ' rows) need the id map atrain_features.dat.csv, which is not in fastdup_work_dir = ',
                        {{ sql_string(var('fastdup_work_dir')) }}
                    )
            else concat(
                    'no row of atrain_features.dat.csv has this index (',
                    cast(occurrences as {{ dbt.type_string() }}), ' rows)'
                )
        end,
        cast(null as {{ dbt.type_string() }})
    from fastdup_undecoded
    where occurrence = 1
    union all
    select
        'error',
        'missing_image',
        similarity_file,
        {{ row_record }},
        case when from_ref is null then 'from' else 'to' end,
        cast(null as {{ dbt.type_string() }}),
        'a similarity pair needs both images (from, to)',
        cast(null as {{ dbt.type_string() }})
    from fastdup_pairs
    where from_ref is null or from_ref = '' or to_ref is null or to_ref = ''
    union all
    select
        'error',
        'wrong_type',
        similarity_file,
        {{ row_record }},
        'distance',
        similarity_text,
        'distance (a similarity, 1.0 = identical) must be a number',
        cast(null as {{ dbt.type_string() }})
    from fastdup_pairs
    where similarity is null
    union all
    select
        'error',
        'wrong_type',
        components_file,
        {{ row_record }},
        'min_distance',
        min_similarity_text,
        'min_distance must be a number',
        cast(null as {{ dbt.type_string() }})
    from fastdup_components
    where min_similarity_text is not null and min_similarity_text != '' and min_similarity is null
    union all
    select
        'error',
        'wrong_type',
        evidence_file,
        {{ row_record }},
        score_field,
        score_text,
        concat(score_field, ' must be a number'),
        cast(null as {{ dbt.type_string() }})
    from fastdup_findings
    where score_field in ('distance', 'blur', 'mean') and score is null
),

issue_list_problems as (
    select
        'error',
        'missing_image',
        issue_list_file,
        {{ row_record }},
        'filename',
        cast(null as {{ dbt.type_string() }}),
        'every issue list row needs the image file name',
        cast(null as {{ dbt.type_string() }})
    from issue_rows
    where image_ref is null
    union all
    select
        'error',
        'wrong_type',
        issue_list_file,
        {{ row_record }},
        'value',
        value_text,
        'value (a similarity or a quality score) must be a number',
        cast(null as {{ dbt.type_string() }})
    from issue_rows
    where value_text is not null and value is null
),

{#- The count file against the rows read: per reason for split `all`, per reason and split
    when the list has a split column. #}

issue_rows_counted as (
    select
        raw_issue_type,
        {{ normalized_split('split_text') }} as split,
        count(*) as rows_read
    from issue_rows
    group by raw_issue_type, {{ normalized_split('split_text') }}
),

issue_count_problems as (
    select
        'warning',
        'issue_count_mismatch',
        issue_counts.issue_counts_file,
        concat('row ', cast(issue_counts.row_number as {{ dbt.type_string() }})),
        'count',
        cast(issue_counts.issue_count as {{ dbt.type_string() }}),
        concat(
            'the count file says ', cast(issue_counts.issue_count as {{ dbt.type_string() }}),
            ' ', issue_counts.raw_issue_type, ' rows for split ', coalesce(issue_counts.split_text, 'all'),
            '; the issue list has ', cast(coalesce(sum(issue_rows_counted.rows_read), 0) as {{ dbt.type_string() }})
        ),
        cast(null as {{ dbt.type_string() }})
    from issue_counts
    left join issue_rows_counted
        on issue_counts.raw_issue_type = issue_rows_counted.raw_issue_type
        and (
            {{ normalized_split('issue_counts.split_text') }} is null
            or {{ normalized_split('issue_counts.split_text') }} = issue_rows_counted.split
        )
    where {{ normalized_split('issue_counts.split_text') }} is null
        or exists (
            select 1 from issue_rows
            where nullif(trim(issue_rows.split_text), '') is not null
        )
    group by
        issue_counts.issue_counts_file, issue_counts.row_number, issue_counts.raw_issue_type,
        issue_counts.split_text, issue_counts.issue_count
    having coalesce(sum(issue_rows_counted.rows_read), 0) != coalesce(issue_counts.issue_count, -1)
),

unioned as (
    select * from media_item_problems
    union all
    select * from metadata_problems
    union all
    select * from contradiction_problems
    union all
    select * from export_file_problems
    union all
    select * from manifest_column_problems
    union all
    select * from manifest_problems
    union all
    select * from collision_problems
    union all
    select * from threshold_problems
    union all
    select * from single_member_group_problems
    union all
    select * from fastdup_problems
    union all
    select * from issue_list_problems
    union all
    select * from issue_count_problems
)

select * from unioned
