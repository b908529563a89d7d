# crl_embed(TARGET target INPUT file NAME function NAMESPACE ns): adds a generated source to
# `target` that returns INPUT's bytes from ns::function().
function(crl_embed)
    cmake_parse_arguments(ARG "" "TARGET;INPUT;NAME;NAMESPACE" "" ${ARGN})
    get_filename_component(input "${ARG_INPUT}" ABSOLUTE)
    set(output "${CMAKE_CURRENT_BINARY_DIR}/embedded_${ARG_NAME}.cpp")
    add_custom_command(OUTPUT "${output}"
        COMMAND ${CMAKE_COMMAND} -DINPUT=${input} -DOUTPUT=${output} -DNAME=${ARG_NAME}
                -DNAMESPACE=${ARG_NAMESPACE} -P ${CMAKE_SOURCE_DIR}/cmake/embed.cmake
        DEPENDS "${input}" ${CMAKE_SOURCE_DIR}/cmake/embed.cmake
        COMMENT "Embedding ${ARG_INPUT}")
    target_sources(${ARG_TARGET} PRIVATE "${output}")
endfunction()
