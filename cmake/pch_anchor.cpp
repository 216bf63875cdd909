// The one source file of the precompiled-header targets (cmake/BuildSpeed.cmake): it exists
// so that CMake has something to compile the header for. It defines nothing.
