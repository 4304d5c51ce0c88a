{#- Every VL or team finding that is not a duplicate (mislabels, outliers, blur, dark,
    bright, corrupt, and types nobody mapped), one row per image and issue type, with the
    image's split and labels and the suggested class of a mislabel (R6). -#}

with findings as (
    select * from {{ ref('int_findings_unioned') }}
),

images as (
    select
        image_id,
        image_path,
        split,
        class_index,
        class_name
    from {{ ref('images') }}
),

classes as (
    select
        class_index,
        clean_name
    from {{ ref(var('class_list_seed')) }}
),

final as (
    select
        ---------- ids
        findings.finding_id,
        findings.image_id,

        ---------- strings
        images.image_path,
        images.split,
        images.class_name,
        findings.issue_type,
        findings.raw_issue_type,
        findings.finding_source,
        findings.suggested_label_text,
        classes.clean_name as suggested_class_name,
        findings.evidence_file,

        ---------- numerics
        images.class_index,
        findings.suggested_class_index,
        findings.confidence,
        findings.score,

        ---------- booleans
        findings.is_known_issue_type,
        findings.is_clear_mislabel,
        images.image_id is not null as is_known_image
    from findings
    left join images on findings.image_id = images.image_id
    left join classes on findings.suggested_class_index = classes.class_index
)

select * from final
